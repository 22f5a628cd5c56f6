// tms::save_model / load_model: every model kind, fixed and dynamic sizes, and mismatches named.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include <tms/io/model_file.hpp>
#include <tms/core.hpp>

#include "../support/contains.hpp"
#include "../support/temporary_directory.hpp"

namespace {

std::filesystem::path temp_file(const std::string& name) {
    return tms_test::program_directory() / name;
}

template <class Model>
Model trained_looking_model(tms::Index n, tms::Index m) {
    Model model(n, m);
    tms::initialize(model, 3);
    for (tms::Index i = 0; i < n; ++i) model.b()(i) = static_cast<typename Model::Scalar>(0.01 * double(i) - 0.02);
    return model;
}

/// A valid archive with one member replaced (or removed when \p npy is empty).
std::string with_member(const std::string& archive, const std::string& key, const std::string& npy) {
    const tms::NpzReader in(archive);
    tms::NpzWriter out;
    for (const std::string& k : in.keys()) {
        if (k != key) out.add_npy(k, std::string(in.npy(k)));
        else if (!npy.empty()) out.add_npy(k, npy);
    }
    return out.bytes();
}

}  // namespace

TEST_CASE_TEMPLATE("save_model then load_model restores weights, importance and probabilities exactly", Model,
                   tms::LinearModel<float>, tms::ReluOutputModel<double>, tms::ReluHiddenModel<float>,
                   tms::AbsValueModel<double>, tms::ReluOutputModel<float, 7, 3>, tms::AbsValueModel<float, 7, 3>) {
    using Scalar = typename Model::Scalar;
    const Model model = trained_looking_model<Model>(7, 3);
    const tms::VectorX<Scalar> importance = tms::geometric_importance<Scalar>(7, 0.8);
    tms::VectorX<double> probabilities(7);
    probabilities << 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 1.0;
    const auto path = temp_file(std::string(Model::kind_name) + ".npz");
    tms::save_model(path, model, importance, probabilities);

    Model loaded = [] {
        if constexpr (Model::features_at_compile_time == tms::Dynamic) return Model(2, 9);  // resized by load
        else return Model();
    }();
    const tms::TrainingTask<Scalar> task = tms::load_model(path, loaded);
    CHECK(loaded == model);
    CHECK(loaded.features() == 7);
    CHECK(loaded.hidden() == 3);
    CHECK(task.importance == importance);
    CHECK(task.probabilities == probabilities.cast<Scalar>());

    // The archive is what NumPy expects to see.
    const tms::NpzReader in = tms::NpzReader::open(path);
    CHECK(in.header(Model::tied_weights ? "W" : "W1").shape == std::vector<std::uint64_t>{3, 7});
    CHECK(in.header("b").shape == std::vector<std::uint64_t>{7});
    CHECK(in.header("b").descr == (std::is_same_v<Scalar, float> ? "<f4" : "<f8"));
    if constexpr (!Model::tied_weights) {
        CHECK(in.header("W2").shape == std::vector<std::uint64_t>{7, 3});
    }
}

TEST_CASE("save_model with one probability for every feature") {
    const auto model = trained_looking_model<tms::ReluOutputModel<float>>(5, 2);
    const auto path = temp_file("scalar_p.npz");
    tms::save_model(path, model, tms::uniform_importance<float>(5), 0.05);
    tms::ReluOutputModel<float> loaded(5, 2);
    CHECK(tms::load_model(path, loaded).probabilities == tms::VectorX<float>::Constant(5, 0.05f));
    CHECK_THROWS_WITH_AS(tms::save_model(path, model, tms::uniform_importance<float>(4), 0.05),
                         "save_model: importance has 4 entries but the model has 5 features", std::invalid_argument);
}

TEST_CASE("load_model names a kind, dtype or fixed-size mismatch and leaves the model unchanged") {
    const auto model = trained_looking_model<tms::ReluOutputModel<float>>(6, 2);
    const std::string archive = tms::model_to_npz(model, tms::uniform_importance<float>(6), tms::VectorX<float>::Constant(6, 0.1f));

    tms::ReluHiddenModel<float> hidden(6, 2);
    CHECK_THROWS_WITH_AS(tms::model_from_npz(archive, hidden, "m.npz"),
                         "m.npz holds a 'relu_output' model but the model to load into is 'relu_hidden'",
                         std::invalid_argument);
    tms::ReluOutputModel<double> wide(6, 2);
    const tms::ReluOutputModel<double> wide_before = wide;
    CHECK_THROWS_WITH_AS(tms::model_from_npz(archive, wide, "m.npz"),
                         "m.npz: member 'W.npy' has dtype '<f4' but the model's scalar type is '<f8' (double)",
                         std::invalid_argument);
    CHECK(wide == wide_before);
    tms::ReluOutputModel<float, 5, 2> fixed_n;
    CHECK_THROWS_WITH_AS(tms::model_from_npz(archive, fixed_n, "m.npz"),
                         "m.npz holds a model with n=6 features but the model's n is fixed at 5", std::invalid_argument);
    tms::ReluOutputModel<float, 6, 3> fixed_m;
    CHECK_THROWS_WITH_AS(tms::model_from_npz(archive, fixed_m, "m.npz"),
                         "m.npz holds a model with m=2 hidden dimensions but the model's m is fixed at 3",
                         std::invalid_argument);
}

TEST_CASE("inconsistent or malformed model archives throw tms::format_error; the model is unchanged") {
    const auto model = trained_looking_model<tms::ReluOutputModel<float>>(6, 2);
    const std::string archive = tms::model_to_npz(model, tms::uniform_importance<float>(6), tms::VectorX<float>::Constant(6, 0.1f));
    tms::ReluOutputModel<float> target(3, 1);
    const tms::ReluOutputModel<float> before = target;
    auto rejects = [&](const std::string& bytes, const std::string& expected) {
        CAPTURE(expected);
        CHECK_THROWS_WITH_AS(tms::model_from_npz(bytes, target, "m.npz"), tms_test::contains(expected), tms::format_error);
        CHECK(target == before);
    };
    rejects(archive.substr(0, archive.size() / 2), "m.npz: not a .npz (ZIP) archive: no end-of-central-directory");
    rejects(with_member(archive, "b", ""), "m.npz: has no member 'b'");
    rejects(with_member(archive, "tms_format", tms::detail::npy_int64(2)), "model file format 2 is not supported");
    rejects(with_member(archive, "n", tms::detail::npy_int64(0)), "sizes n=0, m=2 must be at least 1");
    rejects(with_member(archive, "n", tms::detail::npy_int64(4'000'000'000'000)),
            "member 'W.npy' has shape (2, 6) but (2, 4000000000000) was expected from the file's n and m");
    rejects(with_member(archive, "m", tms::to_npy(Eigen::Vector2d(1, 2))),
            "member 'm.npy': expected a 0-d int64 ('<i8'), got dtype '<f8' of shape (2,)");
    rejects(with_member(archive, "kind", tms::detail::npy_int64(1)), "member 'kind.npy': expected a 0-d unicode string");
    rejects(with_member(archive, "b", tms::to_npy(Eigen::Vector3f(1, 2, 3))),
            "member 'b.npy' has shape (3,) but (6,) was expected");
    rejects(with_member(archive, "W", tms::to_npy(Eigen::MatrixXf::Ones(6, 2))),
            "member 'W.npy' has shape (6, 2) but (2, 6) was expected");
    rejects(with_member(archive, "importance", tms::to_npy(tms::VectorX<float>::Constant(6, -1.f))),
            "importance[0] = -1 is not finite and non-negative");
    rejects(with_member(archive, "probability", tms::to_npy(tms::VectorX<float>::Constant(6, 1.5f))),
            "probability[0] = 1.5 is outside [0, 1]");
    std::string int_b = tms::detail::npy_file("<i4", {6}, std::string(24, '\0'));
    rejects(with_member(archive, "b", int_b), "member 'b.npy': dtype '<i4' is not a float dtype");
}
