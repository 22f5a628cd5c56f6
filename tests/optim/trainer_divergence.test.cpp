// tms::Trainer on divergence: tms::divergence_error names the step, the (scheduled) learning rate and the model,
// and the model and the trainer keep exactly the weights of the last finite step.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <tms/core.hpp>

#include "../support/contains.hpp"

namespace {

template <class Model>
void check_divergence(tms::TrainOptions options, double probability, const std::string& model_text) {
    using Scalar = typename Model::Scalar;
    Model model(20, 5);
    tms::initialize(model, 4);
    options.callback_every = 1;
    const tms::SparseFeatureSampler<Scalar> data(20, probability);
    const auto importance = tms::geometric_importance<Scalar>(20, 0.7);
    tms::Trainer trainer(model, data, importance, options);
    std::vector<Scalar> last_finite(trainer.parameters().begin(), trainer.parameters().end());
    std::int64_t last_step = 0;
    double last_rate = 0.0;
    std::string message;
    try {
        trainer.run([&](const tms::TrainingProgress& progress, const Model&) {
            last_finite.assign(trainer.parameters().begin(), trainer.parameters().end());
            last_step = progress.step;
            last_rate = progress.learning_rate;
        });
    } catch (const tms::divergence_error& error) {
        message = error.what();
    }
    CAPTURE(message);
    REQUIRE_FALSE(message.empty());
    REQUIRE(last_step > 0);  // at least one finite step, so "last finite" is not just the initial weights
    // The failing step is the one after the last completed one; its rate follows the schedule.
    const double failing_rate = options.learning_rate * options.schedule.factor(last_step, options.steps);
    // Steps count from 1, as the CLI counts them: the failing step is last_step + 1.
    CHECK(message.find(tms::detail::concat("training diverged at step ", last_step + 1, " (after ", last_step,
                                           " completed) of model ", model_text, " with learning rate ",
                                           failing_rate, ": its ")) == 0);
    CHECK(message.find("the model keeps its last finite weights") != std::string::npos);
    CHECK(last_rate == options.learning_rate * options.schedule.factor(last_step - 1, options.steps));
    CHECK(trainer.step() == last_step);
    // Bitwise the parameters after the last finite step, in the trainer and in the model.
    CHECK(std::memcmp(trainer.parameters().data(), last_finite.data(), last_finite.size() * sizeof(Scalar)) == 0);
    std::vector<Scalar> packed(last_finite.size());
    model.pack(packed);
    CHECK(std::memcmp(packed.data(), last_finite.data(), last_finite.size() * sizeof(Scalar)) == 0);
    CHECK(model.feature_weights().allFinite());
    // Training on from there diverges again, at the same step.
    CHECK_THROWS_WITH_AS(trainer.run(),
                         tms_test::contains(tms::detail::concat("diverged at step ", last_step + 1, " ")),
                         tms::divergence_error);
}

}  // namespace

TEST_CASE("SGD with a huge rate: the message names step, rate and model; weights are the last finite ones") {
    tms::TrainOptions options;
    options.steps = 1000;
    options.batch_size = 64;
    options.learning_rate = 1e6;
    options.optimizer = tms::SgdOptions{};
    check_divergence<tms::LinearModel<double>>(options, 1.0, "linear (n=20, m=5)");
    check_divergence<tms::ReluOutputModel<float>>(options, 0.5, "relu_output (n=20, m=5)");
}

TEST_CASE("the rate in the message is the scheduled rate of the failing step") {
    tms::TrainOptions options;
    options.steps = 1000;
    options.batch_size = 64;
    options.learning_rate = 1e6;
    options.optimizer = tms::SgdOptions{};
    options.schedule = tms::Schedule::linear_decay();
    check_divergence<tms::LinearModel<float>>(options, 1.0, "linear (n=20, m=5)");
}

TEST_CASE("an update that overflows the weights is named as such, not by the finite loss computed before it") {
    // Adam's first update is about the learning rate in size: 1e39 is beyond float, so the first step's loss and
    // gradient are finite and only its update is not.
    tms::ReluOutputModel<float> model(20, 5);
    tms::initialize(model, 4);
    const tms::SparseFeatureSampler<float> data(20, 0.5);
    tms::TrainOptions options;
    options.steps = 10;
    options.batch_size = 64;
    options.learning_rate = 1e39;
    options.optimizer = tms::AdamOptions{};
    tms::Trainer trainer(model, data, tms::geometric_importance<float>(20, 0.7), options);
    const std::vector<float> initial(trainer.parameters().begin(), trainer.parameters().end());
    std::string message;
    try {
        trainer.run();
    } catch (const tms::divergence_error& error) {
        message = error.what();
    }
    CAPTURE(message);
    CHECK(message.find("diverged at step 1 (after 0 completed) of model relu_output (n=20, m=5) with learning rate") ==
          std::string("training ").size());
    CHECK(message.find(": its update made the weights non-finite (loss ") != std::string::npos);
    CHECK(message.find(" before the update); the model keeps its last finite weights") != std::string::npos);
    CHECK(trainer.step() == 0);
    CHECK(std::memcmp(trainer.parameters().data(), initial.data(), initial.size() * sizeof(float)) == 0);
}
