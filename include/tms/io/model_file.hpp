#pragma once
/// \file io/model_file.hpp
/// A trained model and its task (importance, feature probabilities) as a .npz that NumPy opens directly.
///
///     tms::save_model("relu.npz", model, importance, probabilities);
///     tms::ReluOutputModel<float> loaded(1, 1);                      // dynamic sizes adopt the file's
///     const tms::TrainingTask<float> task = tms::load_model("relu.npz", loaded);
///
/// In Python: `z = np.load("relu.npz")`, then `z["W"]` (m×n, or `z["W1"]` m×n and `z["W2"]` n×m for the
/// untied abs-value model), `z["b"]`, `z["importance"]`, `z["probability"]` (all of the model's dtype, float32 or
/// float64, 1-D of n for the vectors), `str(z["kind"])` ("linear", "relu_output", "relu_hidden", "abs_value"),
/// `int(z["n"])`, `int(z["m"])` and `int(z["tms_format"])` (1, the version of this layout).
///
/// load_model parses and checks everything before it touches the model: a malformed archive or member, a missing
/// member, a member whose shape disagrees with n and m, an importance or probability out of range throws
/// tms::format_error; a file for another kind, another scalar type or other fixed sizes than the model's throws
/// std::invalid_argument naming both. On any exception the model is unchanged.

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "../detail/validate.hpp"
#include "../fwd.hpp"
#include "detail/bytes.hpp"
#include "file.hpp"
#include "npy.hpp"
#include "npz.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// What a model was trained on, saved next to its weights.
template <real_scalar Scalar>
struct TrainingTask {
    VectorX<Scalar> importance;     ///< I_i, one per feature
    VectorX<Scalar> probabilities;  ///< p_i = 1 − S_i, one per feature
};

/// The version of the .npz model layout save_model writes and load_model reads.
inline constexpr std::int64_t model_file_format = 1;

namespace detail {

/// A 0-d array of NumPy's fixed-width unicode dtype ('<U<k>', UCS-4) holding ASCII \p text.
[[nodiscard]] inline std::string npy_string(std::string_view text) {
    std::string data;
    for (const char c : text) put_le<std::uint32_t>(data, static_cast<unsigned char>(c));
    return npy_file(concat("<U", text.size() == 0 ? 1 : text.size()), {}, text.empty() ? std::string(4, '\0') : data);
}

/// A 0-d int64 array.
[[nodiscard]] inline std::string npy_int64(std::int64_t value) {
    std::string data;
    put_le<std::int64_t>(data, value);
    return npy_file("<i8", {}, data);
}

[[nodiscard]] inline std::string read_npy_string(const NpzReader& in, std::string_view key) {
    const std::string_view bytes = in.npy(key);
    const NpyHeader header = parse_npy_header(bytes, in.member_what(key));
    require_format(header.descr.starts_with("<U") && header.shape.empty(), in.member_what(key),
                   ": expected a 0-d unicode string ('<U'), got dtype '", header.descr, "' of shape ",
                   shape_string(header.shape));
    std::string text;
    for (std::uint64_t i = 0; i < header.item_size / 4; ++i) {
        const auto code = get_le<std::uint32_t>(bytes.data() + header.data_offset + 4 * i);
        if (code == 0) break;  // NumPy pads with NUL
        require_format(code < 128, in.member_what(key), ": non-ASCII character U+", code);
        text.push_back(static_cast<char>(code));
    }
    return text;
}

[[nodiscard]] inline std::int64_t read_npy_int64(const NpzReader& in, std::string_view key) {
    const std::string_view bytes = in.npy(key);
    const NpyHeader header = parse_npy_header(bytes, in.member_what(key));
    require_format(header.descr == "<i8" && header.shape.empty(), in.member_what(key),
                   ": expected a 0-d int64 ('<i8'), got dtype '", header.descr, "' of shape ",
                   shape_string(header.shape));
    return get_le<std::int64_t>(bytes.data() + header.data_offset);
}

/// Reads float member \p key of exactly \p shape and the model's dtype.
template <real_scalar Scalar>
[[nodiscard]] MatrixX<Scalar> read_model_array(const NpzReader& in, std::string_view key,
                                               const std::vector<std::uint64_t>& shape) {
    const NpyHeader header = in.header(key);
    require(header.descr == npy_descr<Scalar>() || (header.descr != "<f4" && header.descr != "<f8"),
            in.member_what(key), " has dtype '", header.descr, "' but the model's scalar type is '",
            npy_descr<Scalar>(), "' (", std::is_same_v<Scalar, float> ? "float" : "double", ")");
    require_format(header.descr == npy_descr<Scalar>(), in.member_what(key), ": dtype '", header.descr,
                   "' is not a float dtype");
    require_format(header.shape == shape, in.member_what(key), " has shape ", shape_string(header.shape), " but ",
                   shape_string(shape), " was expected from the file's n and m");
    return in.get<Scalar>(key);
}

}  // namespace detail

/// The .npz archive of \p model with its task (see the file comment for the members), still open for more members:
/// `tms train --out` adds the weights over training ("snapshots", "snapshot_steps") before taking its bytes().
/// load_model reads the members above and ignores any others.
/// \throws std::invalid_argument if \p importance or \p probabilities do not have one entry per feature.
template <toy_model Model, class Importance, class Probabilities>
[[nodiscard]] NpzWriter model_archive(const Model& model, const Eigen::MatrixBase<Importance>& importance,
                                      const Eigen::MatrixBase<Probabilities>& probabilities) {
    using Scalar = typename Model::Scalar;
    model.check_consistent();
    detail::require(importance.size() == model.features(), "save_model: importance has ", importance.size(),
                    " entries but the model has ", model.features(), " features");
    detail::require(probabilities.size() == model.features(), "save_model: probabilities has ",
                    probabilities.size(), " entries but the model has ", model.features(), " features");
    NpzWriter out;
    out.add_npy("tms_format", detail::npy_int64(model_file_format));
    out.add_npy("kind", detail::npy_string(Model::kind_name));
    out.add_npy("n", detail::npy_int64(model.features()));
    out.add_npy("m", detail::npy_int64(model.hidden()));
    if constexpr (Model::tied_weights) {
        out.add("W", model.feature_weights());
    } else {
        out.add("W1", model.W1());
        out.add("W2", model.W2());
    }
    out.add("b", model.b());
    out.add("importance", VectorX<Scalar>(importance.template cast<Scalar>()));
    out.add("probability", VectorX<Scalar>(probabilities.template cast<Scalar>()));
    return out;
}

/// The .npz bytes of \p model with its task: model_archive(...).bytes().
template <toy_model Model, class Importance, class Probabilities>
[[nodiscard]] std::string model_to_npz(const Model& model, const Eigen::MatrixBase<Importance>& importance,
                                       const Eigen::MatrixBase<Probabilities>& probabilities) {
    return model_archive(model, importance, probabilities).bytes();
}

/// Saves \p model, \p importance and \p probabilities (one per feature) to \p path atomically.
template <toy_model Model, class Importance, class Probabilities>
void save_model(const std::filesystem::path& path, const Model& model, const Eigen::MatrixBase<Importance>& importance,
                const Eigen::MatrixBase<Probabilities>& probabilities) {
    write_file_atomically(path, model_to_npz(model, importance, probabilities));
}

/// save_model with the same feature probability \p probability for every feature.
template <toy_model Model, class Importance>
void save_model(const std::filesystem::path& path, const Model& model, const Eigen::MatrixBase<Importance>& importance,
                double probability) {
    save_model(path, model, importance, VectorX<double>::Constant(model.features(), probability));
}

/// Loads the model archive \p bytes into \p model (adopting the file's sizes where \p model's are dynamic) and
/// returns its task. \p what names the archive in messages.
/// \throws tms::format_error for a malformed or inconsistent archive; std::invalid_argument if it holds another
///         kind, scalar type or fixed size than \p model. \p model is unchanged on any exception.
template <toy_model Model>
TrainingTask<typename Model::Scalar> model_from_npz(std::string bytes, Model& model, std::string what = "model npz") {
    using Scalar = typename Model::Scalar;
    const NpzReader in(std::move(bytes), std::move(what));
    const std::int64_t format = detail::read_npy_int64(in, "tms_format");
    detail::require_format(format == model_file_format, in.what(), ": model file format ", format,
                           " is not supported (this tms reads format ", model_file_format, ")");
    const std::string kind = detail::read_npy_string(in, "kind");
    detail::require(kind == Model::kind_name, in.what(), " holds a '", kind, "' model but the model to load into is '",
                    Model::kind_name, "'");
    const std::int64_t n = detail::read_npy_int64(in, "n");
    const std::int64_t m = detail::read_npy_int64(in, "m");
    detail::require_format(n >= 1 && m >= 1, in.what(), ": sizes n=", n, ", m=", m, " must be at least 1");
    detail::require(Model::features_at_compile_time == Dynamic || n == Model::features_at_compile_time, in.what(),
                    " holds a model with n=", n, " features but the model's n is fixed at ",
                    Model::features_at_compile_time);
    detail::require(Model::hidden_at_compile_time == Dynamic || m == Model::hidden_at_compile_time, in.what(),
                    " holds a model with m=", m, " hidden dimensions but the model's m is fixed at ",
                    Model::hidden_at_compile_time);
    const auto un = static_cast<std::uint64_t>(n);
    const auto um = static_cast<std::uint64_t>(m);
    // Every member's shape is checked against n and m before it is read, and its data size against the archive,
    // so nothing is allocated from an unchecked size (the model is built only after its weights have been read).
    const MatrixX<Scalar> encoder = detail::read_model_array<Scalar>(in, Model::tied_weights ? "W" : "W1", {um, un});
    MatrixX<Scalar> decoder;
    if constexpr (!Model::tied_weights) decoder = detail::read_model_array<Scalar>(in, "W2", {un, um});
    const MatrixX<Scalar> bias = detail::read_model_array<Scalar>(in, "b", {un});
    TrainingTask<Scalar> task;
    task.importance = detail::read_model_array<Scalar>(in, "importance", {un});
    task.probabilities = detail::read_model_array<Scalar>(in, "probability", {un});
    for (Index i = 0; i < n; ++i) {
        detail::require_format(std::isfinite(task.importance[i]) && task.importance[i] >= 0, in.what(),
                               ": importance[", i, "] = ", task.importance[i], " is not finite and non-negative");
        detail::require_format(task.probabilities[i] >= 0 && task.probabilities[i] <= 1, in.what(),
                               ": probability[", i, "] = ", task.probabilities[i], " is outside [0, 1]");
    }
    Model loaded(static_cast<Index>(n), static_cast<Index>(m));
    std::vector<Scalar> flat(static_cast<std::size_t>(loaded.parameter_count()));
    const auto layout = loaded.layout();
    Eigen::Map<MatrixX<Scalar>>(flat.data() + layout.encoder_offset(), m, n) = encoder;
    if constexpr (!Model::tied_weights) Eigen::Map<MatrixX<Scalar>>(flat.data() + layout.decoder_offset(), n, m) = decoder;
    Eigen::Map<MatrixX<Scalar>>(flat.data() + layout.bias_offset(), n, 1) = bias;
    loaded.unpack(flat);
    model = std::move(loaded);
    return task;
}

/// model_from_npz of the file \p path.
/// \throws std::system_error if it cannot be read; otherwise as model_from_npz.
template <toy_model Model>
TrainingTask<typename Model::Scalar> load_model(const std::filesystem::path& path, Model& model) {
    return model_from_npz(read_file(path), model, path.string());
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
