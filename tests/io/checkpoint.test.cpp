// tms::save_checkpoint / load_checkpoint: bit-identical resume for every optimizer, and every bad checkpoint
// rejected without touching the trainer.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <tms/io/checkpoint.hpp>
#include <tms/core.hpp>

#include "../support/contains.hpp"
#include "../support/temporary_directory.hpp"

namespace {

std::filesystem::path temp_file(const std::string& name) {
    return tms_test::program_directory() / name;
}

tms::TrainOptions options_for(const tms::OptimizerOptions& optimizer, tms::Schedule schedule = tms::Schedule::constant()) {
    tms::TrainOptions options;
    options.steps = 300;
    options.batch_size = 300;  // not a multiple of the 256-sample tile
    options.learning_rate = 3e-3;
    options.seed = 17;
    options.optimizer = optimizer;
    options.schedule = schedule;
    return options;
}

template <class Scalar>
bool bitwise_equal(std::span<const Scalar> a, std::span<const Scalar> b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(Scalar)) == 0;
}

/// Trains 300 steps straight, and 120 + checkpoint + a new Trainer (in a fresh model) + load + the rest, and
/// checks the two final parameter vectors are bitwise identical.
template <class Model>
void check_resume_is_bit_identical(const tms::TrainOptions& base, double probability) {
    using Scalar = typename Model::Scalar;
    const tms::Index n = 9, m = 4;
    const tms::SparseFeatureSampler<Scalar> data(n, probability, Model::absolute_value_task ? tms::FeatureRange::symmetric
                                                                                           : tms::FeatureRange::unit);
    const auto importance = tms::geometric_importance<Scalar>(n, 0.85);

    Model straight(n, m);
    tms::initialize(straight, 5);
    tms::Trainer uninterrupted(straight, data, importance, base);
    uninterrupted.run();

    const auto path = temp_file(std::string(Model::kind_name) + ".ckpt");
    Model first(n, m);
    tms::initialize(first, 5);
    {
        tms::TrainOptions options = base;
        options.callback_every = 120;
        tms::Trainer interrupted(first, data, importance, options);
        interrupted.run([&](const tms::TrainingProgress& progress, const Model&) {
            tms::save_checkpoint(path, interrupted);
            return progress.step < 120;  // stop as a killed process would
        });
        REQUIRE(interrupted.step() == 120);
    }
    Model second(n, m);
    tms::initialize(second, 99);  // different weights: the checkpoint must overwrite them
    tms::Trainer resumed(second, data, importance, base);
    tms::load_checkpoint(path, resumed);
    CHECK(resumed.step() == 120);
    resumed.run();
    CHECK(resumed.step() == 300);
    CHECK(bitwise_equal<Scalar>(resumed.parameters(), uninterrupted.parameters()));
    CHECK(second == straight);
}

/// Trains 300 steps straight, and a Trainer with steps = 120 + save + a new model and a Trainer with steps = 300 +
/// load + run, and checks the final weights are bitwise identical (a constant schedule lets the total grow).
template <class Model>
void check_continue_to_longer_run(const tms::OptimizerOptions& optimizer) {
    using Scalar = typename Model::Scalar;
    const tms::Index n = 7, m = 3;
    const tms::SparseFeatureSampler<Scalar> data(n, 0.15, Model::absolute_value_task ? tms::FeatureRange::symmetric
                                                                                    : tms::FeatureRange::unit);
    const auto importance = tms::geometric_importance<Scalar>(n, 0.9);
    const tms::TrainOptions base = options_for(optimizer);  // 300 steps

    Model straight(n, m);
    tms::initialize(straight, 11);
    tms::Trainer uninterrupted(straight, data, importance, base);
    uninterrupted.run();

    const auto path = temp_file(std::string("longer_") + Model::kind_name + ".ckpt");
    {
        Model first(n, m);
        tms::initialize(first, 11);
        tms::TrainOptions short_options = base;
        short_options.steps = 120;
        tms::Trainer short_run(first, data, importance, short_options);
        short_run.run();
        REQUIRE(short_run.step() == 120);
        tms::save_checkpoint(path, short_run);
    }
    Model second(n, m);
    tms::Trainer resumed(second, data, importance, base);
    tms::load_checkpoint(path, resumed);
    REQUIRE(resumed.step() == 120);
    resumed.run();
    CHECK(resumed.step() == 300);
    CHECK(bitwise_equal<Scalar>(resumed.parameters(), uninterrupted.parameters()));
    CHECK(second == straight);
}

tms::SgdOptions sgd_with_momentum() {
    tms::SgdOptions o;
    o.momentum = 0.9;
    return o;
}

}  // namespace

TEST_CASE_TEMPLATE("a resumed run is bit-identical to an uninterrupted one (AdamW, Adam, SGD)", Model,
                   tms::ReluOutputModel<float>, tms::ReluOutputModel<double>, tms::AbsValueModel<float>,
                   tms::ReluHiddenModel<double, 9, 4>, tms::LinearModel<float>) {
    SUBCASE("AdamW") { check_resume_is_bit_identical<Model>(options_for(tms::AdamWOptions{}), 0.1); }
    SUBCASE("Adam, dense data") { check_resume_is_bit_identical<Model>(options_for(tms::AdamOptions{}), 0.9); }
    SUBCASE("SGD with momentum, cosine schedule") {
        check_resume_is_bit_identical<Model>(options_for(sgd_with_momentum(), tms::Schedule::cosine_decay()), 0.02);
    }
    SUBCASE("plain SGD") { check_resume_is_bit_identical<Model>(options_for(tms::SgdOptions{}), 0.3); }
}

TEST_CASE_TEMPLATE("a 120-step Trainer saved and loaded into a 300-step Trainer ends bit-identical to 300 steps", Model,
                   tms::ReluOutputModel<float>, tms::AbsValueModel<double>, tms::AbsValueModel<float, 7, 3>) {
    SUBCASE("AdamW") { check_continue_to_longer_run<Model>(tms::AdamWOptions{}); }
    SUBCASE("Adam") { check_continue_to_longer_run<Model>(tms::AdamOptions{}); }
    SUBCASE("SGD with momentum") { check_continue_to_longer_run<Model>(sgd_with_momentum()); }
}

TEST_CASE("parse_checkpoint of raw bytes reads either scalar type") {
    auto raw = [](const std::string& s) {
        return std::span<const std::byte>(reinterpret_cast<const std::byte*>(s.data()), s.size());
    };
    tms::AbsValueModel<double> model(5, 2);
    tms::initialize(model, 3);
    const tms::SparseFeatureSampler<double> data(5, 0.2, tms::FeatureRange::symmetric);
    tms::TrainOptions options = options_for(sgd_with_momentum());
    options.steps = 7;
    tms::Trainer trainer(model, data, tms::uniform_importance<double>(5), options);
    trainer.run();
    const std::string bytes = tms::checkpoint_bytes(trainer);
    const tms::AnyCheckpoint any = tms::parse_checkpoint(raw(bytes));
    REQUIRE(std::holds_alternative<tms::Checkpoint<double>>(any));
    const auto& c = std::get<tms::Checkpoint<double>>(any);
    CHECK(c.kind == "abs_value");
    CHECK(c.step == 7);
    CHECK(c.optimizer.index() == 2);
    CHECK(c.first_state.size() == c.parameters.size());
    CHECK(bitwise_equal<double>(c.parameters, trainer.parameters()));
    CHECK(tms::parse_checkpoint<double>(raw(bytes)).step == 7);

    tms::ReluOutputModel<float> small(4, 2);
    const tms::SparseFeatureSampler<float> small_data(4, 0.2);
    tms::Trainer float_trainer(small, small_data, tms::uniform_importance<float>(4), options);
    const std::string float_bytes = tms::checkpoint_bytes(float_trainer);
    CHECK(std::holds_alternative<tms::Checkpoint<float>>(tms::parse_checkpoint(raw(float_bytes))));
    CHECK_THROWS_WITH_AS((void)tms::parse_checkpoint(raw(bytes.substr(0, 40))), tms_test::contains("(truncated)"),
                         tms::format_error);
    CHECK_THROWS_AS((void)tms::parse_checkpoint(raw("")), tms::format_error);
}

TEST_CASE("a checkpoint holds the trainer's state; saving twice gives the same bytes") {
    tms::ReluOutputModel<float> model(6, 3);
    tms::initialize(model, 1);
    const tms::SparseFeatureSampler<float> data(6, 0.2);
    tms::TrainOptions options = options_for(tms::AdamWOptions{});
    options.steps = 40;
    tms::Trainer trainer(model, data, tms::uniform_importance<float>(6), options);
    trainer.run();
    const std::string bytes = tms::checkpoint_bytes(trainer);
    CHECK(bytes == tms::checkpoint_bytes(trainer));
    CHECK(bytes.substr(0, 8) == std::string("TMSCKPT1"));
    const tms::Checkpoint<float> c = tms::parse_checkpoint<float>(bytes);
    CHECK(c.kind == "relu_output");
    CHECK(c.features == 6);
    CHECK(c.hidden == 3);
    CHECK(c.step == 40);
    CHECK(c.optimizer_steps == 40);
    CHECK(c.batch_size == 300);
    CHECK(c.seed == 17);
    CHECK(c.schedule == "constant");
    CHECK(c.optimizer.index() == 0);
    CHECK(c.engine_state == trainer.engine().state());
    CHECK(c.parameters.size() == 6 * 3 + 6);
    CHECK(c.first_state.size() == c.parameters.size());
    CHECK(bitwise_equal<float>(c.parameters, trainer.parameters()));
}

TEST_CASE("the atomic write leaves no temporary file and replaces the previous checkpoint whole") {
    tms::LinearModel<double> model(4, 2);
    tms::initialize(model, 2);
    const tms::SparseFeatureSampler<double> data(4, 0.5);
    tms::TrainOptions options = options_for(tms::AdamOptions{});
    options.steps = 10;
    tms::Trainer trainer(model, data, tms::uniform_importance<double>(4), options);
    const auto path = temp_file("atomic.ckpt");
    tms::save_checkpoint(path, trainer);
    trainer.run();
    tms::save_checkpoint(path, trainer);
    CHECK_FALSE(std::filesystem::exists(tms::atomic_temporary_path(path)));
    CHECK(tms::read_file(path) == tms::checkpoint_bytes(trainer));
    // A crash between writing the temporary file and the rename leaves a stale temporary next to the intact file.
    tms::write_file_atomically(tms::atomic_temporary_path(path).string() + "x", "torn");
    CHECK(tms::parse_checkpoint<double>(tms::read_file(path)).step == 10);
    // A write that cannot happen (the directory does not exist) throws and leaves nothing behind.
    CHECK_THROWS_WITH_AS(tms::save_checkpoint(temp_file("missing_dir") / "x" / "c.ckpt", trainer),
                         tms_test::contains("cannot create"), std::system_error);
}

TEST_CASE("bad checkpoint files throw tms::format_error and leave the trainer unchanged") {
    tms::ReluOutputModel<float> model(6, 3);
    tms::initialize(model, 1);
    const tms::SparseFeatureSampler<float> data(6, 0.2);
    tms::TrainOptions options = options_for(tms::AdamWOptions{});
    options.steps = 20;
    tms::Trainer source(model, data, tms::uniform_importance<float>(6), options);
    source.run();
    const std::string good = tms::checkpoint_bytes(source);

    tms::ReluOutputModel<float> fresh_model(6, 3);
    tms::initialize(fresh_model, 7);
    tms::Trainer target(fresh_model, data, tms::uniform_importance<float>(6), options);
    const std::vector<float> before(target.parameters().begin(), target.parameters().end());
    const auto engine_before = target.engine().state();
    auto rejects = [&](const std::string& bytes, const std::string& expected) {
        CAPTURE(expected);
        CHECK_THROWS_WITH_AS(tms::restore_checkpoint(bytes, target, "c.ckpt"), tms_test::contains(expected),
                             tms::format_error);
        CHECK(target.step() == 0);
        CHECK(bitwise_equal<float>(target.parameters(), before));
        CHECK(target.engine().state() == engine_before);
        CHECK(std::get<tms::AdamW<float>>(target.optimizer()).step_count() == 0);
    };
    /// \p good with the payload field at \p offset replaced and both CRCs recomputed (a well-formed lie).
    auto patched = [&](std::size_t offset, const std::string& replacement) {
        std::string out = good;
        out.replace(offset, replacement.size(), replacement);
        const std::string payload = out.substr(32);
        std::string crc;
        tms::detail::put_le<std::uint32_t>(crc, tms::detail::crc32(payload));
        out.replace(24, 4, crc);
        crc.clear();
        tms::detail::put_le<std::uint32_t>(crc, tms::detail::crc32(std::string_view(out).substr(0, 28)));
        out.replace(28, 4, crc);
        return out;
    };
    auto le64 = [](std::uint64_t v) {
        std::string s;
        tms::detail::put_le<std::uint64_t>(s, v);
        return s;
    };

    rejects("", "c.ckpt: not a tms checkpoint: 0 bytes is shorter than the 32-byte header");
    rejects(std::string(64, 'x'), "not a tms checkpoint (the magic \"TMSCKPT1\" is missing)");
    rejects(good.substr(0, good.size() - 9), "the header promises a payload of");
    rejects(good.substr(0, good.size() - 9), "(truncated)");
    rejects(good + "extra", "(trailing data)");
    std::string flipped = good;
    flipped[good.size() - 30] = static_cast<char>(flipped[good.size() - 30] ^ 1);
    rejects(flipped, "the payload fails its CRC-32 check");
    std::string header_flip = good;
    header_flip[8] = 2;  // version
    rejects(header_flip, "the header fails its CRC-32 check");
    rejects(patched(8, std::string("\x02\0\0\0", 4)), "checkpoint format version 2 is not supported");
    // Payload offsets: kind string (4 + 11), scalar size at 47, n at 48, m at 56, step at 64, steps 72, batch 80,
    // lr 88, seed 96, schedule length at 104 ("constant": 8), optimizer kind at 116, hyper-parameters 117..148,
    // parameter count at 149.
    rejects(patched(32, le64(0xFFFFFFFF)), "model kind of 4294967295 bytes is longer than the limit of 256");
    rejects(patched(47, std::string("\x05", 1)), "scalar size 5 is neither 4 (float32) nor 8 (float64)");
    rejects(patched(48, le64(0)), "sizes n=0, m=3 must be at least 1");
    rejects(patched(64, le64(std::uint64_t(-5))), "step -5, steps 20 and batch size 300 must be non-negative");
    rejects(patched(88, le64(0x7FF8000000000000ULL)), "learning rate nan is not finite and non-negative");
    rejects(patched(116, std::string("\x07", 1)), "optimizer kind 7 is not 0 (AdamW), 1 (Adam) or 2 (SGD)");
    rejects(patched(149, le64(0x2000000000000000ULL)), "parameters claims 2305843009213693952 values but only");
    std::string nan_param = patched(157, std::string("\0\0\xc0\x7f", 4));
    rejects(nan_param, "parameter 0 is nan");
    rejects(patched(good.size() - 48, std::string(32, '\0')), "the random-engine state is all zero");
}

TEST_CASE("a checkpoint that does not match the trainer throws std::invalid_argument naming the mismatch") {
    tms::ReluOutputModel<float> model(6, 3);
    tms::initialize(model, 1);
    const tms::SparseFeatureSampler<float> data(6, 0.2);
    const tms::TrainOptions options = options_for(tms::AdamWOptions{});
    tms::Trainer source(model, data, tms::uniform_importance<float>(6), options);
    const std::string good = tms::checkpoint_bytes(source);

    auto mismatch = [&](auto target_model, tms::TrainOptions target_options, const std::string& expected) {
        CAPTURE(expected);
        using Model = decltype(target_model);
        using Scalar = typename Model::Scalar;
        const tms::SparseFeatureSampler<Scalar> target_data(target_model.features(), 0.2);
        tms::Trainer target(target_model, target_data, tms::uniform_importance<Scalar>(target_model.features()),
                            target_options);
        CHECK_THROWS_WITH_AS(tms::restore_checkpoint(good, target, "c.ckpt"), tms_test::contains(expected),
                             std::invalid_argument);
        CHECK(target.step() == 0);
    };
    mismatch(tms::ReluHiddenModel<float>(6, 3), options,
             "c.ckpt is of a 'relu_output' model but the trainer's model is 'relu_hidden'");
    mismatch(tms::ReluOutputModel<double>(6, 3), options, "c.ckpt holds float32 parameters but the model is float64");
    mismatch(tms::ReluOutputModel<float>(6, 4), options,
             "c.ckpt is of a model with n=6, m=3 but the trainer's model has n=6, m=4");
    auto changed = options;
    changed.batch_size = 64;
    mismatch(tms::ReluOutputModel<float>(6, 3), changed, "was written with batch size 300 but the trainer uses 64");
    changed = options;
    changed.learning_rate = 1e-3;
    mismatch(tms::ReluOutputModel<float>(6, 3), changed,
             "was written with learning rate 0.0030000000000000001 but the trainer uses 0.001");
    changed = options;
    changed.seed = 3;
    mismatch(tms::ReluOutputModel<float>(6, 3), changed, "was written with seed 17 but the trainer uses 3");
    changed = options;
    changed.optimizer = tms::SgdOptions{};
    mismatch(tms::ReluOutputModel<float>(6, 3), changed, "was written with optimizer adamw but the trainer uses sgd");
    changed = options;
    changed.optimizer = tms::AdamWOptions{0.9, 0.99, 1e-8, 0.01};
    mismatch(tms::ReluOutputModel<float>(6, 3), changed, "was written with other adamw hyper-parameters");
    changed = options;
    changed.schedule = tms::Schedule::linear_decay();
    mismatch(tms::ReluOutputModel<float>(6, 3), changed,
             "was written with schedule 'constant' but the trainer uses 'linear'");

    // With a constant schedule the total may grow (continue a finished run), not shrink below the saved step.
    tms::ReluOutputModel<float> longer_model(6, 3);
    auto longer = options;
    longer.steps = 1000;
    tms::Trainer longer_trainer(longer_model, data, tms::uniform_importance<float>(6), longer);
    CHECK_NOTHROW(tms::restore_checkpoint(good, longer_trainer));
}

TEST_CASE("a checkpoint's model kind is escaped before it is printed (no newline or terminal escape)") {
    tms::ReluOutputModel<float> model(6, 3);
    tms::initialize(model, 1);
    const tms::SparseFeatureSampler<float> data(6, 0.2);
    tms::Trainer source(model, data, tms::uniform_importance<float>(6), options_for(tms::AdamWOptions{}));
    std::string bytes = tms::checkpoint_bytes(source);
    // The payload starts with the kind: u32 length 11, "relu_output". Put control bytes of the same length there
    // and fix both CRC-32s so only the kind is wrong.
    const std::string hostile = "rel\n\x1b[31mxx";  // 11 bytes, like "relu_output"
    REQUIRE(hostile.size() == 11);
    REQUIRE(bytes.substr(36, 11) == "relu_output");
    bytes.replace(36, 11, hostile);
    std::string header = bytes.substr(0, 24);
    const std::string payload = bytes.substr(32);
    tms::detail::put_le<std::uint32_t>(header, tms::detail::crc32(payload));
    tms::detail::put_le<std::uint32_t>(header, tms::detail::crc32(header));
    bytes = header + payload;
    try {
        tms::restore_checkpoint(bytes, source, "c.ckpt");
        FAIL("no exception");
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        CHECK(message.find('\n') == std::string::npos);
        CHECK(message.find('\x1b') == std::string::npos);
        CHECK(message.find("'rel\\x0a\\x1b[31mxx'") != std::string::npos);
    }
}

TEST_CASE("load_checkpoint reads no more than a checkpoint of the trainer can take") {
    tms::ReluOutputModel<float> model(6, 3);
    tms::initialize(model, 1);
    const tms::SparseFeatureSampler<float> data(6, 0.2);
    tms::Trainer trainer(model, data, tms::uniform_importance<float>(6), options_for(tms::AdamWOptions{}));
    const auto path = temp_file("huge.ckpt");
    tms::write_file_atomically(path, std::string(1 << 20, '\0'));  // stands for /dev/zero
    CHECK_THROWS_WITH_AS(tms::load_checkpoint(path, trainer), doctest::Contains("a checkpoint of this trainer"),
                         tms::format_error);
    CHECK(trainer.step() == 0);
}
