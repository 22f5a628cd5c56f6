// tms::train: the paper's qualitative results on small runs, the callback, early stop, divergence and bad options.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <cstdint>
#include <string>
#include <vector>

#include <tms/analysis/feature_norms.hpp>
#include <tms/analysis/gram.hpp>
#include <tms/models/initialization.hpp>
#include <tms/models/abs_value_model.hpp>
#include <tms/models/linear_model.hpp>
#include <tms/models/relu_hidden_model.hpp>
#include <tms/models/relu_output_model.hpp>
#include <tms/optim/trainer.hpp>
#include <tms/sampling/importance.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

TEST_CASE("the linear model learns the 5 most important features, orthogonally") {
    tms::LinearModel<float, 20, 5> model;
    tms::initialize(model, 1);
    const tms::SparseFeatureSampler<float> data(20, 1.0);
    tms::TrainOptions options;
    options.steps = 3000;
    options.learning_rate = 1e-2;
    options.seed = 1;
    const tms::TrainReport report = tms::train(model, data, tms::geometric_importance<float>(20, 0.7), options);
    CHECK(report.steps_completed == 3000);
    CHECK_FALSE(report.stopped_early);
    const Eigen::MatrixXd g = tms::gram(model).cast<double>();
    CAPTURE(g.topLeftCorner(8, 8));
    const Eigen::MatrixXd top = g.topLeftCorner(5, 5) - Eigen::MatrixXd::Identity(5, 5);
    CHECK(top.cwiseAbs().maxCoeff() < 0.1);
    CHECK(g.bottomRightCorner(15, 15).cwiseAbs().maxCoeff() < 0.1);
    CHECK(g.topRightCorner(5, 15).cwiseAbs().maxCoeff() < 0.1);
    CHECK(tms::represented_features(model) == 5);
}

TEST_CASE("the ReLU output model: no superposition at p = 1, superposition at p = 0.01") {
    const auto importance = tms::geometric_importance<float>(20, 0.7);
    tms::TrainOptions options;
    options.steps = 10'000;
    options.seed = 2;

    tms::ReluOutputModel<float, 20, 5> dense;
    tms::initialize(dense, 2);
    tms::train(dense, tms::SparseFeatureSampler<float>(20, 1.0), importance, options);
    CAPTURE(tms::feature_norms(dense).transpose());
    CHECK(tms::represented_features(dense) == 5);
    // The represented ones are the most important.
    CHECK((tms::feature_norms(dense).head(5).array() > 0.5f).all());

    tms::ReluOutputModel<float, 20, 5> sparse;
    tms::initialize(sparse, 2);
    tms::train(sparse, tms::SparseFeatureSampler<float>(20, 0.01), importance, options);
    CAPTURE(tms::feature_norms(sparse).transpose());
    CHECK(tms::represented_features(sparse) > 5);
}

TEST_CASE("the callback runs every k steps with the current weights and can stop training") {
    tms::ReluOutputModel<float> model(10, 3);
    tms::initialize(model, 3);
    const tms::SparseFeatureSampler<float> data(10, 0.1);
    const auto importance = tms::uniform_importance<float>(10);
    tms::TrainOptions options;
    options.steps = 1000;
    options.callback_every = 100;
    options.schedule = tms::Schedule::linear_decay();
    std::vector<std::int64_t> steps;
    std::vector<double> rates;
    const tms::TrainReport report =
        tms::train(model, data, importance, options, [&](const tms::TrainingProgress& progress, const auto& current) {
            steps.push_back(progress.step);
            rates.push_back(progress.learning_rate);
            CHECK(progress.total_steps == 1000);
            // At step 0 no batch has been seen: the loss is NaN by definition.
            CHECK(std::isfinite(progress.loss) == (progress.step > 0));
            CHECK(&current == &model);
        });
    CHECK(steps == std::vector<std::int64_t>{0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000});
    REQUIRE(rates.size() == 11);
    CHECK(rates[0] == doctest::Approx(1e-3));  // at step 0: the rate of the first step
    CHECK(rates[1] == doctest::Approx(1e-3 * (1.0 - 99.0 / 1000.0)));  // the rate of the step just taken
    CHECK(report.steps_completed == 1000);
    CHECK_FALSE(report.stopped_early);
    REQUIRE_FALSE(report.loss_history.empty());
    CHECK(report.loss_history.front().step == 0);
    CHECK(report.loss_history.back().step == 999);
    CHECK(std::isfinite(report.final_loss));

    // Returning false stops after that step; the model holds the weights of that step.
    tms::ReluOutputModel<float> stopped(10, 3);
    tms::initialize(stopped, 3);
    std::vector<float> seen;
    const tms::TrainReport early =
        tms::train(stopped, data, importance, options, [&](const tms::TrainingProgress& progress, const auto& current) {
            seen.assign(current.W().data(), current.W().data() + current.W().size());
            return progress.step < 300;
        });
    CHECK(early.stopped_early);
    CHECK(early.steps_completed == 300);
    CHECK(std::vector<float>(stopped.W().data(), stopped.W().data() + stopped.W().size()) == seen);
}

TEST_CASE("the same seed trains the same model") {
    auto run = [] {
        tms::ReluOutputModel<float> model(12, 4);
        tms::initialize(model, 8);
        tms::TrainOptions options;
        options.steps = 200;
        options.seed = 8;
        tms::train(model, tms::SparseFeatureSampler<float>(12, 0.05), tms::uniform_importance<float>(12), options);
        return model;
    };
    CHECK(run() == run());
}

TEST_CASE("divergence throws tms::divergence_error naming the step and rate; the weights stay finite") {
    tms::LinearModel<double> model(20, 5);
    tms::initialize(model, 4);
    tms::TrainOptions options;
    options.steps = 1000;
    options.learning_rate = 1e6;
    options.optimizer = tms::SgdOptions{};
    const tms::SparseFeatureSampler<double> data(20, 1.0);
    const auto importance = tms::geometric_importance<double>(20, 0.7);
    std::string message;
    try {
        tms::train(model, data, importance, options);
    } catch (const tms::divergence_error& error) {
        message = error.what();
    }
    CAPTURE(message);
    REQUIRE_FALSE(message.empty());
    CHECK(message.find("diverged at step ") != std::string::npos);
    CHECK(message.find("learning rate 1000000") != std::string::npos);
    CHECK(message.find("linear") != std::string::npos);
    CHECK(model.W().allFinite());
    CHECK(model.b().allFinite());
    CHECK_THROWS_AS(tms::train(model, data, importance, options), tms::divergence_error);
}

TEST_CASE("invalid options and mismatched sizes throw std::invalid_argument naming the value") {
    tms::ReluOutputModel<float> model(20, 5);
    const tms::SparseFeatureSampler<float> data(20, 0.1);
    const auto importance = tms::uniform_importance<float>(20);
    tms::TrainOptions options;
    options.steps = 10;

    options.learning_rate = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_WITH_AS(tms::train(model, data, importance, options), doctest::Contains("learning rate"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::train(model, data, importance, options), doctest::Contains("got nan"),
                         std::invalid_argument);
    options.learning_rate = std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH_AS(tms::train(model, data, importance, options), doctest::Contains("got inf"),
                         std::invalid_argument);
    options.learning_rate = -1e-3;
    CHECK_THROWS_WITH_AS(tms::train(model, data, importance, options), doctest::Contains("got -0.001"),
                         std::invalid_argument);
    options.learning_rate = 1e-3;

    options.batch_size = 0;
    CHECK_THROWS_WITH_AS(tms::train(model, data, importance, options),
                         doctest::Contains("batch size must be at least 1, got 0"), std::invalid_argument);
    options.batch_size = 1024;
    options.steps = -5;
    CHECK_THROWS_WITH_AS(tms::train(model, data, importance, options), doctest::Contains("got -5"),
                         std::invalid_argument);
    options.steps = 10;

    CHECK_THROWS_WITH_AS(tms::train(model, tms::SparseFeatureSampler<float>(19, 0.1), importance, options),
                         doctest::Contains("sampler draws 19 features but the model has 20"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(tms::train(model, data, tms::uniform_importance<float>(21), options),
                         doctest::Contains("importance has 21x1"), std::invalid_argument);
    tms::VectorX<float> negative = importance;
    negative[3] = -1.0f;
    CHECK_THROWS_WITH_AS(tms::train(model, data, negative, options), doctest::Contains("importance[3]"),
                         std::invalid_argument);
}

TEST_CASE("loss_history holds step 0, every log_every-th step and the last; final_loss averages the window") {
    tms::ReluOutputModel<double> model(8, 3);
    tms::initialize(model, 5);
    const tms::SparseFeatureSampler<double> data(8, 0.2);
    const auto importance = tms::geometric_importance<double>(8, 0.9);
    tms::TrainOptions options;
    options.steps = 250;
    options.batch_size = 64;
    options.log_every = 100;
    options.final_loss_window = 1;
    const tms::TrainReport report = tms::train(model, data, importance, options);
    std::vector<std::int64_t> logged;
    for (const tms::LossRecord& record : report.loss_history) logged.push_back(record.step);
    CHECK(logged == std::vector<std::int64_t>{0, 100, 200, 249});
    CHECK(report.final_loss == report.loss_history.back().loss);

    tms::ReluOutputModel<double> again(8, 3);
    tms::initialize(again, 5);
    options.log_every = 1;
    options.final_loss_window = 10;
    const tms::TrainReport every = tms::train(again, data, importance, options);
    REQUIRE(every.loss_history.size() == 250);
    double last_ten = 0;
    for (std::size_t k = 240; k < 250; ++k) {
        CHECK(every.loss_history[k].step == static_cast<std::int64_t>(k));
        last_ten += every.loss_history[k].loss;
    }
    CHECK(every.final_loss == doctest::Approx(last_ten / 10).epsilon(1e-12));
    // Logging does not change the run.
    CHECK(again == model);
    CHECK(every.loss_history[100].loss == report.loss_history[1].loss);
}

TEST_CASE("a Trainer stopped early and resumed, or restored from its saved state, ends where one run ends") {
    using Model = tms::ReluOutputModel<float>;
    const tms::SparseFeatureSampler<float> data(12, 0.05);
    const auto importance = tms::geometric_importance<float>(12, 0.8);
    tms::TrainOptions options;
    options.steps = 300;
    options.batch_size = 128;
    options.seed = 6;
    options.callback_every = 100;

    Model straight(12, 4);
    tms::initialize(straight, 6);
    tms::train(straight, data, importance, options);

    Model resumed(12, 4);
    tms::initialize(resumed, 6);
    tms::Trainer<Model, tms::SparseFeatureSampler<float>> trainer(resumed, data, importance, options);
    const tms::TrainReport first = trainer.run([](const tms::TrainingProgress& p, const Model&) { return p.step < 200; });
    CHECK(first.stopped_early);
    CHECK(trainer.step() == 200);
    CHECK_FALSE(resumed == straight);

    // What a checkpoint saves at step 200.
    const std::vector<float> parameters(trainer.parameters().begin(), trainer.parameters().end());
    const tms::RandomEngine::State engine_state = trainer.engine().state();
    const auto optimizer_state = trainer.optimizer();

    const tms::TrainReport second = trainer.run();
    CHECK(second.steps_completed == 100);
    CHECK(trainer.step() == 300);
    CHECK(resumed == straight);

    Model restored(12, 4);
    tms::Trainer<Model, tms::SparseFeatureSampler<float>> fresh(restored, data, importance, options);
    fresh.restore(200, parameters);
    fresh.engine().set_state(engine_state);
    fresh.optimizer() = optimizer_state;
    fresh.run();
    CHECK(restored == straight);
}

TEST_CASE_TEMPLATE("a seed means the same data on every tile path: the same weights up to rounding", Model,
                   tms::ReluOutputModel<float>, tms::ReluHiddenModel<float>, tms::AbsValueModel<float>) {
    // One canonical sparse draw per tile, scattered into the layout a path needs: forcing a path changes the
    // arithmetic's order, never the samples. (Drawn per path, the data differed and so did the weights, by O(1).)
    const tms::FeatureRange range = Model::absolute_value_task ? tms::FeatureRange::symmetric : tms::FeatureRange::unit;
    for (const double p : {0.3, 0.02}) {
        CAPTURE(p);
        const tms::SparseFeatureSampler<float> data(12, p, range);
        const auto importance = tms::geometric_importance<float>(12, 0.8);
        std::vector<Eigen::VectorXf> weights;
        for (const tms::TilePath path :
             {tms::TilePath::sparse, tms::TilePath::dense, tms::TilePath::feature_major, tms::TilePath::automatic}) {
            Model model(12, 4);
            tms::initialize(model, 3);
            tms::TrainOptions options;
            options.steps = 150;
            options.batch_size = 600;  // three tiles, the last one partial
            options.seed = 5;
            options.tile_path = path;
            (void)tms::train(model, data, importance, options);
            std::vector<float> flat(static_cast<std::size_t>(model.parameter_count()));
            model.pack(flat);
            weights.push_back(Eigen::Map<Eigen::VectorXf>(flat.data(), static_cast<Eigen::Index>(flat.size())));
        }
        for (std::size_t k = 1; k < weights.size(); ++k) {
            CAPTURE(k);
            CHECK((weights[k] - weights[0]).norm() <= 1e-4f * weights[0].norm());
        }
    }
}

TEST_CASE("forcing the feature-major path needs at most 8 hidden neurons") {
    tms::ReluHiddenModel<float> model(12, 9);
    const tms::SparseFeatureSampler<float> data(12, 0.1);
    tms::TrainOptions options;
    options.steps = 1;
    options.tile_path = tms::TilePath::feature_major;
    CHECK_THROWS_WITH_AS((void)tms::train(model, data, tms::geometric_importance<float>(12, 0.8), options),
                         doctest::Contains("the model has 9"), std::invalid_argument);
}

TEST_CASE("the callback at step 0 sees the initial weights and can stop before any step") {
    tms::ReluOutputModel<float> model(10, 3);
    tms::initialize(model, 3);
    const tms::ReluOutputModel<float> initial = model;
    tms::TrainOptions options;
    options.steps = 50;
    options.callback_every = 1000;  // past the end: only the step-0 call happens
    int calls = 0;
    const tms::TrainReport report = tms::train(model, tms::SparseFeatureSampler<float>(10, 0.1),
                                               tms::uniform_importance<float>(10), options,
                                               [&](const tms::TrainingProgress& progress, const auto& current) {
                                                   ++calls;
                                                   CHECK(progress.step == 0);
                                                   CHECK(current == initial);
                                                   return false;
                                               });
    CHECK(calls == 1);
    CHECK(report.steps_completed == 0);
    CHECK(report.stopped_early);
    CHECK(model == initial);
}

TEST_CASE("run_for continues training past options.steps; run_for pieces and train_step equal one run") {
    using Model = tms::ReluOutputModel<float>;
    using Sampler = tms::SparseFeatureSampler<float>;
    const Sampler data(12, 0.05);
    const auto importance = tms::geometric_importance<float>(12, 0.8);
    tms::TrainOptions options;
    options.steps = 100;  // the planned total the (linear) schedule is defined by
    options.batch_size = 64;
    options.schedule = tms::Schedule::linear_decay();

    Model straight(12, 4);
    tms::initialize(straight, 2);
    tms::Trainer<Model, Sampler> reference(straight, data, importance, options);
    const tms::TrainReport all = reference.run();
    CHECK(all.steps_completed == 100);
    CHECK(reference.run().steps_completed == 0);  // run() stops at the planned total

    Model pieces(12, 4);
    tms::initialize(pieces, 2);
    tms::Trainer<Model, Sampler> trainer(pieces, data, importance, options);
    const tms::TrainReport first = trainer.run_for(30);
    CHECK(first.steps_completed == 30);
    CHECK(trainer.step() == 30);
    CHECK(first.loss_history.back().step == 29);  // the last step of this call is recorded
    for (int k = 0; k < 10; ++k) CHECK(std::isfinite(trainer.train_step()));
    CHECK(trainer.step() == 40);
    CHECK(trainer.run_for(60).steps_completed == 60);
    CHECK(pieces == straight);

    // Past the plan: training continues with the rate of the last planned step (linear decay would go negative).
    std::vector<double> rates;
    options.callback_every = 1;
    tms::Trainer<Model, Sampler> beyond(pieces, data, importance, options);
    beyond.restore(100, trainer.parameters());
    const tms::TrainReport extra = beyond.run_for(5, [&](const tms::TrainingProgress& progress, const Model&) {
        rates.push_back(progress.learning_rate);
    });
    CHECK(extra.steps_completed == 5);
    CHECK(beyond.step() == 105);
    REQUIRE(rates.size() == 5);
    for (const double rate : rates) CHECK(rate == doctest::Approx(options.learning_rate * (1.0 - 99.0 / 100.0)));
    CHECK_FALSE(pieces == straight);
    CHECK_THROWS_WITH_AS(beyond.run_for(-1), "run_for: steps must be non-negative, got -1", std::invalid_argument);
}

TEST_CASE("training \"forever\" with a callback that stops it allocates nothing per planned step") {
    // The benchmarks' old pattern: a huge step count ended from the callback. It used to reserve steps / log_every
    // loss records (std::bad_alloc for 2^40 steps); now it trains the 20 steps the callback allows.
    tms::LinearModel<float> model(8, 3);
    tms::initialize(model, 1);
    tms::TrainOptions options;
    options.steps = std::int64_t{1} << 40;
    options.batch_size = 32;
    options.callback_every = 10;
    const tms::SparseFeatureSampler<float> data(8, 0.2);
    tms::Trainer trainer(model, data, tms::uniform_importance<float>(8), options);
    const tms::TrainReport report =
        trainer.run_for(std::int64_t{1} << 40, [](const tms::TrainingProgress& progress, const auto&) { return progress.step < 20; });
    CHECK(report.steps_completed == 20);
    CHECK(report.stopped_early);
    CHECK(report.loss_history.size() == 1);  // step 0 (log_every 100)
}
