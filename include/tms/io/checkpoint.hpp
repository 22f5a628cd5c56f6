#pragma once
/// \file io/checkpoint.hpp
/// Checkpoints of a tms::Trainer: save mid-run, load into a fresh Trainer, and continue bit-identically.
///
///     tms::Trainer trainer(model, data, importance, options);
///     options.callback_every = 1000;
///     trainer.run([&](const tms::TrainingProgress&, const auto&) { tms::save_checkpoint("run.ckpt", trainer); });
///     ...                                                   // after a crash, in a new process:
///     tms::Trainer resumed(model, data, importance, options);
///     tms::load_checkpoint("run.ckpt", resumed);
///     resumed.run();                                        // the same weights as an uninterrupted run
///
/// A checkpoint holds the model's kind, scalar type and sizes, the step, the options that decide the trajectory
/// (steps, batch size, learning rate, seed, schedule, optimizer and its hyper-parameters), the parameters, the
/// optimizer state and the data stream's random-engine state. It does not hold the importance or the feature
/// probabilities: the Trainer it is loaded into supplies them, as it supplies the sampler.
///
/// Format (version 1, little-endian; docs/robustness.md has the table):
///   header, 32 bytes: magic "TMSCKPT1", u32 version, u32 flags (0), u64 payload size, u32 CRC-32 of the
///   payload, u32 CRC-32 of the previous 28 bytes; then the payload, whose fields are listed in
///   detail::write_checkpoint_payload. The file is exactly 32 + payload-size bytes.
///
/// save_checkpoint writes atomically (write_file_atomically: temporary file, fsync, rename, fsync of the
/// directory), so a crash while saving leaves the previous checkpoint intact. load_checkpoint parses and checks
/// the whole file, then checks it against the Trainer, and only then changes the Trainer: it never half-applies.

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <variant>
#include <vector>

#include "../concepts.hpp"
#include "../config.hpp"
#include "../detail/validate.hpp"
#include "../errors.hpp"
#include "../optim/trainer.hpp"
#include "../sampling/random_engine.hpp"
#include "detail/bytes.hpp"
#include "file.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// The version of the checkpoint format save_checkpoint writes and load_checkpoint reads.
inline constexpr std::uint32_t checkpoint_format_version = 1;

/// The contents of a checkpoint file, parsed and checked for internal consistency.
template <real_scalar Scalar>
struct Checkpoint {
    std::string kind;  ///< the model's kind_name
    Index features = 0;
    Index hidden = 0;
    std::int64_t step = 0;  ///< steps completed
    // The options that decide the trajectory.
    std::int64_t steps = 0;
    Index batch_size = 0;
    double learning_rate = 0.0;
    std::uint64_t seed = 0;
    std::string schedule;  ///< Schedule::name()
    OptimizerOptions optimizer;
    // The state.
    std::vector<Scalar> parameters;
    std::int64_t optimizer_steps = 0;
    std::vector<Scalar> first_state;   ///< Adam's first moment, or SGD's momentum buffer (may be empty)
    std::vector<Scalar> second_state;  ///< Adam's second moment (empty for SGD)
    RandomEngine::State engine_state{};
    std::uint64_t engine_seed = 0;
    std::uint64_t engine_stream = 0;
};

namespace detail {

inline constexpr std::string_view checkpoint_magic{"TMSCKPT1", 8};
inline constexpr std::size_t checkpoint_header_size = 32;
inline constexpr std::uint32_t checkpoint_max_string = 256;

[[nodiscard]] constexpr std::string_view scalar_name(std::size_t bytes) noexcept {
    return bytes == 4 ? "float32" : bytes == 8 ? "float64" : "unknown";
}

[[nodiscard]] inline std::string_view optimizer_name(const OptimizerOptions& o) noexcept {
    switch (o.index()) {
        case 0: return "adamw";
        case 1: return "adam";
        default: return "sgd";
    }
}

inline void put_string(std::string& out, std::string_view text) {
    put_le<std::uint32_t>(out, static_cast<std::uint32_t>(text.size()));
    out += text;
}

template <class Scalar>
void put_array(std::string& out, std::span<const Scalar> values) {
    put_le<std::uint64_t>(out, values.size());
    put_le_array(out, values.data(), values.size());
}

[[nodiscard]] inline std::string read_string(ByteReader& in, std::string_view field) {
    const auto length = in.read<std::uint32_t>(field);
    require_format(length <= checkpoint_max_string, in.what(), ": ", field, " of ", length,
                   " bytes is longer than the limit of ", checkpoint_max_string);
    // Escaped as it is read: the strings of a file are untrusted and end up in messages printed to a terminal.
    return printable(in.bytes(length, field));
}

template <class Scalar>
[[nodiscard]] std::vector<Scalar> read_array(ByteReader& in, std::string_view field) {
    const auto count = in.read<std::uint64_t>(field);
    std::uint64_t bytes = 0;
    require_format(checked_multiply(count, sizeof(Scalar), bytes) && bytes <= in.remaining(), in.what(), ": ", field,
                   " claims ", count, " values but only ", in.remaining(), " bytes remain");
    std::vector<Scalar> values(static_cast<std::size_t>(count));
    get_le_array(in.bytes(bytes, field).data(), values.size(), values.data());
    return values;
}

/// The payload: every field in order.
template <class Scalar>
[[nodiscard]] std::string write_checkpoint_payload(const Checkpoint<Scalar>& c) {
    std::string out;
    put_string(out, c.kind);                              // string: u32 length + bytes
    put_le<std::uint8_t>(out, sizeof(Scalar));            // 4: float32, 8: float64
    put_le<std::int64_t>(out, c.features);                // n
    put_le<std::int64_t>(out, c.hidden);                  // m
    put_le<std::int64_t>(out, c.step);                    // steps completed
    put_le<std::int64_t>(out, c.steps);                   // TrainOptions::steps
    put_le<std::int64_t>(out, c.batch_size);              // TrainOptions::batch_size
    put_le<double>(out, c.learning_rate);                 // TrainOptions::learning_rate
    put_le<std::uint64_t>(out, c.seed);                   // TrainOptions::seed
    put_string(out, c.schedule);                          // Schedule::name()
    put_le<std::uint8_t>(out, static_cast<std::uint8_t>(c.optimizer.index()));  // 0 AdamW, 1 Adam, 2 SGD
    std::visit(
        [&](const auto& o) {  // four f64: Adam(W) beta1, beta2, epsilon, weight decay; SGD momentum,
            using O = std::decay_t<decltype(o)>;  // dampening, weight decay, nesterov (0 or 1)
            if constexpr (std::is_same_v<O, SgdOptions>) {
                for (const double v : {o.momentum, o.dampening, o.weight_decay, o.nesterov ? 1.0 : 0.0})
                    put_le<double>(out, v);
            } else {
                for (const double v : {o.beta1, o.beta2, o.epsilon, o.weight_decay}) put_le<double>(out, v);
            }
        },
        c.optimizer);
    put_array<Scalar>(out, c.parameters);                 // u64 count + values (the flat layout of pack())
    put_le<std::int64_t>(out, c.optimizer_steps);         // the optimizer's step count
    put_array<Scalar>(out, c.first_state);                // Adam m, or SGD momentum buffer
    put_array<Scalar>(out, c.second_state);               // Adam v (empty for SGD)
    for (const std::uint64_t word : c.engine_state) put_le<std::uint64_t>(out, word);  // xoshiro256++ state
    put_le<std::uint64_t>(out, c.engine_seed);
    put_le<std::uint64_t>(out, c.engine_stream);
    return out;
}

template <class Model, class Sampler>
[[nodiscard]] Checkpoint<typename Model::Scalar> capture(Trainer<Model, Sampler>& trainer) {
    using Scalar = typename Model::Scalar;
    Checkpoint<Scalar> c;
    c.kind = Model::kind_name;
    c.features = trainer.model().features();
    c.hidden = trainer.model().hidden();
    c.step = trainer.step();
    const TrainOptions& options = trainer.options();
    c.steps = options.steps;
    c.batch_size = options.batch_size;
    c.learning_rate = options.learning_rate;
    c.seed = options.seed;
    c.schedule = options.schedule.name();
    c.optimizer = options.optimizer;
    c.parameters.assign(trainer.parameters().begin(), trainer.parameters().end());
    std::visit(
        [&](const auto& opt) {
            using O = std::decay_t<decltype(opt)>;
            c.optimizer_steps = opt.step_count();
            if constexpr (std::is_same_v<O, Sgd<Scalar>>) {
                c.first_state.assign(opt.momentum_buffer().begin(), opt.momentum_buffer().end());
            } else {
                c.first_state.assign(opt.first_moment().begin(), opt.first_moment().end());
                c.second_state.assign(opt.second_moment().begin(), opt.second_moment().end());
            }
        },
        trainer.optimizer());
    c.engine_state = trainer.engine().state();
    c.engine_seed = trainer.engine().seed();
    c.engine_stream = trainer.engine().stream();
    return c;
}

template <class T>
[[nodiscard]] bool all_finite_values(const std::vector<T>& values, std::size_t& first_bad) noexcept {
    for (std::size_t i = 0; i < values.size(); ++i)
        if (!std::isfinite(values[i])) {
            first_bad = i;
            return false;
        }
    return true;
}

}  // namespace detail

/// The bytes of a checkpoint of \p trainer's current state.
template <toy_model Model, feature_sampler Sampler>
[[nodiscard]] std::string checkpoint_bytes(Trainer<Model, Sampler>& trainer) {
    const std::string payload = detail::write_checkpoint_payload(detail::capture(trainer));
    std::string out(detail::checkpoint_magic);
    detail::put_le<std::uint32_t>(out, checkpoint_format_version);
    detail::put_le<std::uint32_t>(out, 0);  // flags
    detail::put_le<std::uint64_t>(out, payload.size());
    detail::put_le<std::uint32_t>(out, detail::crc32(payload));
    detail::put_le<std::uint32_t>(out, detail::crc32(out));
    out += payload;
    return out;
}

/// Saves \p trainer's state to \p path atomically (see write_file_atomically); call it between steps, e.g. from
/// the run() callback. \throws std::system_error if the file cannot be written (\p path is then unchanged).
template <toy_model Model, feature_sampler Sampler>
void save_checkpoint(const std::filesystem::path& path, Trainer<Model, Sampler>& trainer) {
    write_file_atomically(path, checkpoint_bytes(trainer));
}

/// Parses and checks the checkpoint \p bytes (\p what names it in messages) for parameters of type \p Scalar.
/// \throws tms::format_error if it is truncated, oversized, corrupt (a CRC-32 mismatch) or inconsistent;
///         std::invalid_argument if it is well formed but holds the other scalar type.
template <real_scalar Scalar>
[[nodiscard]] Checkpoint<Scalar> parse_checkpoint(std::string_view bytes, std::string_view what = "checkpoint") {
    using detail::require_format;
    require_format(bytes.size() >= detail::checkpoint_header_size, what, ": not a tms checkpoint: ", bytes.size(),
                   " bytes is shorter than the 32-byte header");
    require_format(bytes.substr(0, 8) == detail::checkpoint_magic, what,
                   ": not a tms checkpoint (the magic \"TMSCKPT1\" is missing)");
    detail::ByteReader header(bytes.substr(0, detail::checkpoint_header_size), what);
    (void)header.bytes(8, "magic");
    const auto version = header.read<std::uint32_t>("version");
    const auto flags = header.read<std::uint32_t>("flags");
    const auto payload_size = header.read<std::uint64_t>("payload size");
    const auto payload_crc = header.read<std::uint32_t>("payload CRC-32");
    const auto header_crc = header.read<std::uint32_t>("header CRC-32");
    require_format(header_crc == detail::crc32(bytes.substr(0, 28)), what,
                   ": the header fails its CRC-32 check (the file is corrupt)");
    require_format(version == checkpoint_format_version, what, ": checkpoint format version ", version,
                   " is not supported (this tms reads version ", checkpoint_format_version, ")");
    require_format(flags == 0, what, ": unknown header flags ", flags);
    const std::uint64_t present = bytes.size() - detail::checkpoint_header_size;
    require_format(payload_size == present, what, ": the header promises a payload of ", payload_size,
                   " bytes but ", present, " follow (", payload_size > present ? "truncated" : "trailing data", ")");
    const std::string_view payload = bytes.substr(detail::checkpoint_header_size);
    const std::uint32_t actual_crc = detail::crc32(payload);
    require_format(actual_crc == payload_crc, what, ": the payload fails its CRC-32 check (stored ", payload_crc,
                   ", computed ", actual_crc, "; the file is corrupt)");

    detail::ByteReader in(payload, what);
    Checkpoint<Scalar> c;
    c.kind = detail::read_string(in, "model kind");
    const auto scalar_bytes = in.read<std::uint8_t>("scalar size");
    require_format(scalar_bytes == 4 || scalar_bytes == 8, what, ": scalar size ", int(scalar_bytes),
                   " is neither 4 (float32) nor 8 (float64)");
    detail::require(scalar_bytes == sizeof(Scalar), what, " holds ", detail::scalar_name(scalar_bytes),
                    " parameters but the model is ", detail::scalar_name(sizeof(Scalar)));
    c.features = in.read<std::int64_t>("n");
    c.hidden = in.read<std::int64_t>("m");
    c.step = in.read<std::int64_t>("step");
    c.steps = in.read<std::int64_t>("steps");
    c.batch_size = in.read<std::int64_t>("batch size");
    c.learning_rate = in.read<double>("learning rate");
    c.seed = in.read<std::uint64_t>("seed");
    c.schedule = detail::read_string(in, "schedule");
    require_format(c.features >= 1 && c.hidden >= 1, what, ": sizes n=", c.features, ", m=", c.hidden,
                   " must be at least 1");
    require_format(c.step >= 0 && c.steps >= 0 && c.batch_size >= 1, what, ": step ", c.step, ", steps ", c.steps,
                   " and batch size ", c.batch_size, " must be non-negative (batch size positive)");
    require_format(std::isfinite(c.learning_rate) && c.learning_rate >= 0.0, what, ": learning rate ",
                   c.learning_rate, " is not finite and non-negative");
    const auto optimizer = in.read<std::uint8_t>("optimizer kind");
    require_format(optimizer <= 2, what, ": optimizer kind ", int(optimizer), " is not 0 (AdamW), 1 (Adam) or 2 (SGD)");
    std::array<double, 4> hyper{};
    for (double& v : hyper) v = in.read<double>("optimizer hyper-parameter");
    if (optimizer == 2)
        c.optimizer = SgdOptions{hyper[0], hyper[1], hyper[2], hyper[3] != 0.0};
    else if (optimizer == 1)
        c.optimizer = AdamOptions{hyper[0], hyper[1], hyper[2], hyper[3]};
    else
        c.optimizer = AdamWOptions{hyper[0], hyper[1], hyper[2], hyper[3]};
    c.parameters = detail::read_array<Scalar>(in, "parameters");
    c.optimizer_steps = in.read<std::int64_t>("optimizer step count");
    c.first_state = detail::read_array<Scalar>(in, "optimizer state 1");
    c.second_state = detail::read_array<Scalar>(in, "optimizer state 2");
    for (std::uint64_t& word : c.engine_state) word = in.read<std::uint64_t>("engine state");
    c.engine_seed = in.read<std::uint64_t>("engine seed");
    c.engine_stream = in.read<std::uint64_t>("engine stream");
    require_format(in.remaining() == 0, what, ": ", in.remaining(), " unexpected bytes after the last field");

    // Internal consistency.
    const std::size_t count = c.parameters.size();
    require_format(c.engine_state != RandomEngine::State{}, what, ": the random-engine state is all zero");
    require_format(c.optimizer_steps >= 0, what, ": negative optimizer step count ", c.optimizer_steps);
    std::size_t bad = 0;
    require_format(detail::all_finite_values(c.parameters, bad), what, ": parameter ", bad, " is ",
                   c.parameters.empty() ? Scalar(0) : c.parameters[bad]);
    require_format(detail::all_finite_values(c.first_state, bad) && detail::all_finite_values(c.second_state, bad),
                   what, ": the optimizer state holds a non-finite value");
    if (optimizer == 2) {
        require_format(c.second_state.empty() && (c.first_state.empty() || c.first_state.size() == count), what,
                       ": SGD momentum buffer of ", c.first_state.size(), " values for ", count, " parameters");
    } else {
        const bool fresh = c.first_state.empty() && c.second_state.empty() && c.optimizer_steps == 0;
        require_format(fresh || (c.first_state.size() == count && c.second_state.size() == count), what,
                       ": Adam moments of ", c.first_state.size(), " and ", c.second_state.size(), " values for ",
                       count, " parameters after ", c.optimizer_steps, " steps");
        for (const Scalar v : c.second_state)
            require_format(v >= Scalar(0), what, ": Adam's second moment holds the negative value ", v);
    }
    return c;
}

/// parse_checkpoint of raw bytes (what a fuzzer or a memory-mapped file hands over).
template <real_scalar Scalar>
[[nodiscard]] Checkpoint<Scalar> parse_checkpoint(std::span<const std::byte> bytes,
                                                  std::string_view what = "checkpoint") {
    return parse_checkpoint<Scalar>(detail::as_chars(bytes), what);
}

/// A checkpoint of either scalar type, as the file says.
using AnyCheckpoint = std::variant<Checkpoint<float>, Checkpoint<double>>;

/// Parses and checks the checkpoint \p bytes whatever its scalar type (read from the file's scalar-size field).
/// \throws tms::format_error as parse_checkpoint<Scalar>: truncated, oversized, corrupt or inconsistent.
[[nodiscard]] inline AnyCheckpoint parse_checkpoint(std::span<const std::byte> bytes,
                                                    std::string_view what = "checkpoint") {
    const std::string_view chars = detail::as_chars(bytes);
    // Peek at the scalar size (after the 32-byte header and the kind string); parse_checkpoint<Scalar> then
    // checks every byte, so a corrupt peek only picks which full parse rejects the file.
    std::uint8_t scalar_bytes = 0;
    if (chars.size() >= detail::checkpoint_header_size + 4) {
        const auto kind_length = detail::get_le<std::uint32_t>(chars.data() + detail::checkpoint_header_size);
        const std::uint64_t at = detail::checkpoint_header_size + 4 + std::uint64_t{kind_length};
        if (at < chars.size()) scalar_bytes = static_cast<std::uint8_t>(chars[static_cast<std::size_t>(at)]);
    }
    if (scalar_bytes == 8) return parse_checkpoint<double>(chars, what);
    return parse_checkpoint<float>(chars, what);
}

/// Checks \p c against \p trainer, then restores the trainer's parameters (and its model), optimizer state,
/// random-engine state and step from it. Nothing changes unless every check passes.
///
/// Kind, scalar type, n and m, batch size, learning rate, seed, schedule, optimizer and its hyper-parameters must
/// match; the total step count may differ (to continue a finished run further) when the schedule is constant,
/// as long as the checkpoint's step does not exceed it.
/// \throws std::invalid_argument naming the first mismatch.
template <toy_model Model, feature_sampler Sampler>
void apply_checkpoint(const Checkpoint<typename Model::Scalar>& c, Trainer<Model, Sampler>& trainer,
                      std::string_view what = "checkpoint") {
    using Scalar = typename Model::Scalar;
    using detail::require;
    const TrainOptions& options = trainer.options();
    require(c.kind == Model::kind_name, what, " is of a '", c.kind, "' model but the trainer's model is '",
            Model::kind_name, "'");
    require(c.features == trainer.model().features() && c.hidden == trainer.model().hidden(), what,
            " is of a model with n=", c.features, ", m=", c.hidden, " but the trainer's model has n=",
            trainer.model().features(), ", m=", trainer.model().hidden());
    require(c.parameters.size() == trainer.parameters().size(), what, " holds ", c.parameters.size(),
            " parameters but the trainer's model has ", trainer.parameters().size());
    require(c.batch_size == options.batch_size, what, " was written with batch size ", c.batch_size,
            " but the trainer uses ", options.batch_size);
    require(c.learning_rate == options.learning_rate, what, " was written with learning rate ", c.learning_rate,
            " but the trainer uses ", options.learning_rate);
    require(c.seed == options.seed, what, " was written with seed ", c.seed, " but the trainer uses ", options.seed);
    require(c.schedule == options.schedule.name(), what, " was written with schedule '", c.schedule,
            "' but the trainer uses '", options.schedule.name(), "'");
    require(c.steps == options.steps || options.schedule.kind() == Schedule::Kind::constant, what,
            " was written for ", c.steps, " steps but the trainer runs ", options.steps,
            " (the total may change only with a constant schedule)");
    require(c.step <= options.steps, what, " is at step ", c.step, " but the trainer runs only ", options.steps,
            " steps");
    require(c.optimizer.index() == options.optimizer.index(), what, " was written with optimizer ",
            detail::optimizer_name(c.optimizer), " but the trainer uses ", detail::optimizer_name(options.optimizer));
    std::visit(
        [&](const auto& saved) {
            using O = std::decay_t<decltype(saved)>;
            const O& current = std::get<O>(options.optimizer);
            bool same = false;
            if constexpr (std::is_same_v<O, SgdOptions>)
                same = saved.momentum == current.momentum && saved.dampening == current.dampening &&
                       saved.weight_decay == current.weight_decay && saved.nesterov == current.nesterov;
            else
                same = saved.beta1 == current.beta1 && saved.beta2 == current.beta2 &&
                       saved.epsilon == current.epsilon && saved.weight_decay == current.weight_decay;
            require(same, what, " was written with other ", detail::optimizer_name(c.optimizer),
                    " hyper-parameters (momentum, betas, epsilon or weight decay) than the trainer's");
        },
        c.optimizer);
    require(c.engine_seed == trainer.engine().seed() && c.engine_stream == trainer.engine().stream(), what,
            " holds the data stream of seed ", c.engine_seed, " stream ", c.engine_stream, " but the trainer's is seed ",
            trainer.engine().seed(), " stream ", trainer.engine().stream());

    // Every check passed: apply. None of these can throw for a checkpoint that passed the checks above.
    std::visit(
        [&](auto& opt) {
            using O = std::decay_t<decltype(opt)>;
            if constexpr (std::is_same_v<O, Sgd<Scalar>>)
                opt.restore(c.optimizer_steps, c.first_state);
            else
                opt.restore(c.optimizer_steps, c.first_state, c.second_state);
        },
        trainer.optimizer());
    trainer.engine().set_state(c.engine_state);
    trainer.restore(c.step, c.parameters);
}

/// Parses the checkpoint \p bytes and applies it to \p trainer (see parse_checkpoint and apply_checkpoint).
template <toy_model Model, feature_sampler Sampler>
void restore_checkpoint(std::string_view bytes, Trainer<Model, Sampler>& trainer, std::string_view what = "checkpoint") {
    apply_checkpoint(parse_checkpoint<typename Model::Scalar>(bytes, what), trainer, what);
}

/// Restores \p trainer from the checkpoint file \p path; the trainer is unchanged on any exception.
/// \throws std::system_error if the file cannot be read; tms::format_error if it is not a valid checkpoint (or
///         longer than any checkpoint of this trainer: nothing more is read); std::invalid_argument if it does not
///         match the trainer.
template <toy_model Model, feature_sampler Sampler>
void load_checkpoint(const std::filesystem::path& path, Trainer<Model, Sampler>& trainer) {
    const std::string name = path.string();
    // A checkpoint that fits this trainer is as long as the trainer's own, give or take its strings: read no more
    // (a wrong path such as /dev/zero fails at once instead of exhausting memory).
    const std::uint64_t limit = checkpoint_bytes(trainer).size() + 4 * detail::checkpoint_max_string + 4096;
    std::string bytes;
    try {
        bytes = read_file(path, limit);
    } catch (const std::system_error& e) {
        if (e.code().value() != EFBIG) throw;
        throw format_error(detail::concat(name, ": longer than the ", limit, " bytes a checkpoint of this trainer ",
                                          "(", Model::kind_name, " n=", trainer.model().features(), ", m=",
                                          trainer.model().hidden(), ") can take; not a checkpoint of it"));
    }
    restore_checkpoint(bytes, trainer, name);
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
