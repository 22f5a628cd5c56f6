// The gradient core's three tile paths (sparse per-sample, dense GEMM, lanes over samples) and its empty-sample
// bookkeeping must give the same loss and gradient as each other for every model.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <tms/core.hpp>

namespace {

template <class Model>
struct PathResult {
    double squared_error = 0;
    std::vector<typename Model::Scalar> gradient;
};

template <class Model>
struct CoreFixture {
    using Scalar = typename Model::Scalar;
    using Core = tms::detail::GradientCore<typename Model::Spec>;

    CoreFixture(tms::Index n, tms::Index m, double probability, tms::Index batch)
        : model(n, m), core(n, m), importance(tms::geometric_importance<Scalar>(n, 0.85)) {
        tms::initialize(model, 11);
        model.b().setConstant(Scalar(0.05));
        params.resize(static_cast<std::size_t>(model.parameter_count()));
        model.pack(params);
        const auto range = Model::absolute_value_task ? tms::FeatureRange::symmetric : tms::FeatureRange::unit;
        const tms::SparseFeatureSampler<Scalar> sampler(n, probability, range);
        tms::RandomEngine engine(3);
        inputs = sampler.sample(engine, batch);
        scale = Scalar(2) / static_cast<Scalar>(batch * n);
    }

    template <class Run>
    PathResult<Model> run(Run&& accumulate) {
        PathResult<Model> result;
        result.gradient.assign(params.size(), Scalar(0));
        core.begin_step(params.data(), importance.data());
        result.squared_error = static_cast<double>(accumulate());
        result.squared_error += static_cast<double>(core.finish_step(scale, result.gradient.data()));
        return result;
    }

    PathResult<Model> sparse() {
        tms::SparseBatch<Scalar> tile;
        tile.assign(inputs);
        // The per-sample path whatever the density (accumulate() would switch dense tiles to matrix products).
        return run([&] { return core.accumulate_sparse(tile, scale); });
    }

    PathResult<Model> automatic() {
        tms::SparseBatch<Scalar> tile;
        tile.assign(inputs);
        return run([&] { return core.accumulate(tile, scale); });
    }

    PathResult<Model> dense() {
        return run([&] { return core.accumulate_dense(inputs, scale); });
    }

    PathResult<Model> feature_major() {
        const tms::Index samples = inputs.cols();
        const tms::Index stride = (samples + Core::sample_lanes - 1) / Core::sample_lanes * Core::sample_lanes;
        std::vector<Scalar> rows(static_cast<std::size_t>(stride * inputs.rows()), Scalar(0));
        for (tms::Index i = 0; i < inputs.rows(); ++i)
            for (tms::Index s = 0; s < samples; ++s) rows[static_cast<std::size_t>(i * stride + s)] = inputs(i, s);
        return run([&] {
            core.accumulate_feature_major(rows.data(), stride, samples, scale);
            return Scalar(0);
        });
    }

    Model model;
    Core core;
    tms::VectorX<Scalar> importance;
    std::vector<Scalar> params;
    tms::MatrixX<Scalar> inputs;
    Scalar scale{};
};

template <class Model>
void check_same(const PathResult<Model>& a, const PathResult<Model>& b, double tolerance) {
    CHECK(a.squared_error == doctest::Approx(b.squared_error).epsilon(tolerance));
    REQUIRE(a.gradient.size() == b.gradient.size());
    double largest = 0, difference = 0;
    for (std::size_t k = 0; k < a.gradient.size(); ++k) {
        largest = std::max(largest, std::abs(static_cast<double>(a.gradient[k])));
        difference = std::max(difference, std::abs(static_cast<double>(a.gradient[k] - b.gradient[k])));
    }
    CHECK(largest > 0);
    CHECK(difference <= tolerance * largest);
}

template <class Model>
void check_all_paths(tms::Index n, tms::Index m, double probability, tms::Index batch) {
    CAPTURE(n);
    CAPTURE(m);
    CAPTURE(probability);
    CAPTURE(batch);
    const double tolerance = std::is_same_v<typename Model::Scalar, float> ? 2e-5 : 1e-12;
    CoreFixture<Model> fixture(n, m, probability, batch);
    const auto dense = fixture.dense();
    check_same(dense, fixture.sparse(), tolerance);
    check_same(dense, fixture.automatic(), tolerance);
    if (m <= CoreFixture<Model>::Core::lanes_max_hidden) check_same(dense, fixture.feature_major(), tolerance);
}

/// The core's preferred tile kind for shared probability \p p, by name (each core has its own TileKind).
template <class Core>
std::string tile_choice(const Core& core, double p) {
    switch (core.preferred_tile(p)) {
        case Core::TileKind::sparse: return "sparse";
        case Core::TileKind::dense: return "dense";
        case Core::TileKind::feature_major: return "feature_major";
    }
    return "unknown";
}

}  // namespace

TEST_CASE_TEMPLATE("every tile path gives the same loss and gradient", Model, tms::LinearModelXd,
                   tms::ReluOutputModelXd, tms::ReluHiddenModelXd, tms::AbsValueModelXd, tms::ReluOutputModelXf,
                   tms::ReluHiddenModelXf, tms::AbsValueModelXf) {
    for (const double probability : {1.0, 0.4, 0.05})
        for (const auto& [n, m] : {std::pair<tms::Index, tms::Index>{20, 5}, {1, 1}, {3, 7}, {33, 8}, {12, 17}})
            for (const tms::Index batch : {64, 37}) check_all_paths<Model>(n, m, probability, batch);
}

TEST_CASE("empty samples are settled once per step with the right weight") {
    // A batch of only empty samples: loss = mean_i I_i ReLU(b_i)², gradient only on b.
    using Model = tms::ReluOutputModelXd;
    Model model(4, 2);
    tms::initialize(model, 1);
    model.b() << 0.5, -0.25, 0.0, 1.0;
    const Eigen::VectorXd importance = Eigen::Vector4d(1.0, 0.5, 2.0, 0.25);
    const Eigen::MatrixXd zeros = Eigen::MatrixXd::Zero(4, 10);
    Model gradient(4, 2);
    const double loss = model.loss_and_gradient(zeros, importance, gradient);
    CHECK(loss == doctest::Approx((1.0 * 0.25 + 0.25 * 1.0) / 4.0));
    CHECK(gradient.W().norm() == 0.0);
    CHECK(gradient.b()[0] == doctest::Approx(2.0 * 1.0 * 0.5 / 4.0));
    CHECK(gradient.b()[1] == 0.0);  // ReLU is off
    CHECK(gradient.b()[3] == doctest::Approx(2.0 * 0.25 * 1.0 / 4.0));
}

TEST_CASE("the tile choice follows the measured crossovers") {
    // Points of the sparse/dense scan in docs/performance.md ("Tile choice") where one kind was clearly faster.
    using AbsCore = tms::detail::GradientCore<tms::AbsValueModelXf::Spec>;
    using HiddenCore = tms::detail::GradientCore<tms::ReluHiddenModelXf::Spec>;
    using OutputCore = tms::detail::GradientCore<tms::ReluOutputModelXf::Spec>;
    // ReLU hidden layer: dense wins while nearly every sample is nonempty (abs (100, 40) at p = 0.1: 1.4×).
    CHECK(tile_choice(AbsCore(100, 40), 0.1) == std::string("dense"));
    CHECK(tile_choice(AbsCore(100, 40), 0.01) == std::string("sparse"));
    CHECK(tile_choice(HiddenCore(20, 10), 0.1) == std::string("dense"));
    CHECK(tile_choice(HiddenCore(20, 10), 0.02) == std::string("sparse"));
    CHECK(tile_choice(HiddenCore(40, 16), 0.2) == std::string("dense"));
    CHECK(tile_choice(HiddenCore(40, 16), 0.01) == std::string("sparse"));
    // Large n: a sparse sample's O(k m) encoder work is far below the dense O(m n) even when all are nonempty.
    CHECK(tile_choice(HiddenCore(400, 30), 0.03) == std::string("sparse"));
    CHECK(tile_choice(HiddenCore(400, 30), 0.5) == std::string("dense"));
    // Small m takes the lanes-over-samples tile above its density threshold, whatever the sparse/dense costs.
    // Measured crossovers (docs/performance.md, "Round 3"): ReLU hidden (10, 5) between p = 0.003 and 0.005,
    // ReLU output (10, 5) and (40, 5) between 0.03 and 0.05.
    CHECK(tile_choice(HiddenCore(10, 5), 0.1) == std::string("feature_major"));
    CHECK(tile_choice(HiddenCore(10, 5), 0.01) == std::string("feature_major"));
    CHECK(tile_choice(HiddenCore(10, 5), 0.003) == std::string("sparse"));
    CHECK(tile_choice(OutputCore(10, 5), 0.05) == std::string("feature_major"));
    CHECK(tile_choice(OutputCore(10, 5), 0.03) == std::string("sparse"));
    // Linear hidden layer: the density threshold.
    CHECK(tile_choice(OutputCore(100, 40), 0.2) == std::string("sparse"));
    CHECK(tile_choice(OutputCore(100, 40), 0.5) == std::string("dense"));
    // Per tile: an all-nonempty tile at density 0.1 goes dense for abs (100, 40), a mostly empty one stays sparse.
    CHECK(AbsCore(100, 40).dense_is_cheaper(0.1, 1.0));
    CHECK_FALSE(AbsCore(100, 40).dense_is_cheaper(0.005, 0.4));
}
