#include <doctest/doctest.h>

#include <cmath>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <tms/sweep/sweep_config.hpp>

namespace {
tms::SweepGrid small_grid() {
    tms::SweepGrid grid;
    grid.base.features = 4;
    grid.base.hidden = 2;
    grid.base.steps = 10;
    grid.models = {"relu_output", "relu_hidden"};
    grid.probabilities = {0.1, std::vector<double>{0.5, 0.4, 0.3, 0.2}};
    grid.seeds = {0, 1, 2};
    return grid;
}
}  // namespace

TEST_CASE("expand takes the product of the axes in the documented order, seeds innermost") {
    const std::vector<tms::ModelConfig> configs = small_grid().expand();
    REQUIRE(configs.size() == 2 * 2 * 3);
    CHECK(configs[0].model == "relu_output");
    CHECK(configs[0].seed == 0);
    CHECK(configs[1].seed == 1);
    CHECK(configs[2].seed == 2);
    CHECK(std::get<double>(configs[0].probability) == 0.1);
    CHECK(std::holds_alternative<std::vector<double>>(configs[3].probability));
    CHECK(configs[6].model == "relu_hidden");
    CHECK(configs[11].model == "relu_hidden");
    for (const tms::ModelConfig& c : configs) {
        CHECK(c.features == 4);
        CHECK(c.hidden == 2);
        CHECK(c.steps == 10);
    }
}

TEST_CASE("expansion is deterministic and ids are unique") {
    const auto first = small_grid().expand();
    const auto second = small_grid().expand();
    REQUIRE(first.size() == second.size());
    std::set<std::string> ids;
    for (std::size_t i = 0; i < first.size(); ++i) {
        CHECK(first[i].key() == second[i].key());
        CHECK(first[i].id() == second[i].id());
        CHECK(first[i].id().size() == 16);
        ids.insert(first[i].id());
    }
    CHECK(ids.size() == first.size());
}

TEST_CASE("seeds of one point share the point id but not the id") {
    const auto configs = small_grid().expand();
    CHECK(configs[0].point_id() == configs[1].point_id());
    CHECK(configs[0].point_id() == configs[2].point_id());
    CHECK(configs[0].id() != configs[1].id());
    CHECK(configs[0].point_id() != configs[3].point_id());
    CHECK(configs[0].key() == configs[0].point_key() + ";seed=0");
}

TEST_CASE("every field that changes training changes the id") {
    const tms::ModelConfig base;
    const std::string id = base.id();
    auto differs = [&](auto&& change) {
        tms::ModelConfig c = base;
        change(c);
        return c.id() != id;
    };
    CHECK(differs([](auto& c) { c.model = "linear"; }));
    CHECK(differs([](auto& c) { c.features = 21; }));
    CHECK(differs([](auto& c) { c.hidden = 6; }));
    CHECK(differs([](auto& c) { c.importance = 0.7; }));
    CHECK(differs([](auto& c) { c.probability = 0.011; }));
    CHECK(differs([](auto& c) { c.steps = 9999; }));
    CHECK(differs([](auto& c) { c.batch_size = 512; }));
    CHECK(differs([](auto& c) { c.learning_rate = 2e-3; }));
    CHECK(differs([](auto& c) { c.optimizer = tms::AdamOptions{}; }));
    CHECK(differs([](auto& c) { c.optimizer = tms::AdamWOptions{0.9, 0.999, 1e-8, 0.02}; }));
    CHECK(differs([](auto& c) { c.schedule = tms::Schedule::cosine_decay(); }));
    CHECK(differs([](auto& c) { c.seed = 1; }));
    CHECK(differs([](auto& c) { c.feature_sets = {{tms::SetCorrelation::correlated, 2, 0.01}}; }));
    CHECK(differs([](auto& c) { c.feature_sets = {{tms::SetCorrelation::anticorrelated, 2, 0.01}}; }));
    CHECK_FALSE(differs([](auto&) {}));
}

TEST_CASE("ids are stable across builds and versions: results files written earlier stay recognised") {
    // If this fails, the key or hash changed and every existing results file would be re-run: don't.
    const tms::ModelConfig config;
    CHECK(config.key() ==
          "model=relu_output;n=20;m=5;importance=1;probability=0.01;steps=10000;batch=1024;lr=0.001;"
          "optimizer=adamw(beta1=0.9,beta2=0.999,epsilon=1e-08,weight_decay=0.01);schedule=constant;seed=0");
    CHECK(config.id() == tms::detail::hex16(tms::detail::stable_hash(config.key())));
    CHECK(config.id() == "e806880aa13b58ff");
}

TEST_CASE("importance and probability vectors") {
    tms::ModelConfig c;
    c.features = 3;
    c.importance = 0.5;
    c.probability = 0.2;
    CHECK(c.importance_vector()[2] == doctest::Approx(0.25));
    CHECK(c.probability_vector()[1] == doctest::Approx(0.2));
    c.importance = std::vector<double>{3, 2, 1};
    c.probability = std::vector<double>{0.1, 0.2, 0.3};
    CHECK(c.importance_vector()[0] == 3.0);
    CHECK(c.probability_vector()[2] == doctest::Approx(0.3));
}

TEST_CASE("feature sets: spelt in the key, first in the probability vector, the probability after them") {
    tms::ModelConfig c;
    c.features = 7;
    c.probability = std::vector<double>{0.3, 0.4};
    c.feature_sets = {{tms::SetCorrelation::correlated, 2, 0.05}, {tms::SetCorrelation::anticorrelated, 3, 0.1}};
    tms::validate(c);
    CHECK(c.point_key().find(";probability=[0.3,0.4];sets=c2@0.05,a3@0.1;steps=") != std::string::npos);
    const Eigen::VectorXd p = c.probability_vector();
    REQUIRE(p.size() == 7);
    CHECK(p[0] == 0.05);
    CHECK(p[1] == 0.05);
    CHECK(p[2] == 0.1);
    CHECK(p[4] == 0.1);
    CHECK(p[5] == 0.3);
    CHECK(p[6] == 0.4);
    CHECK(c.independent_probability_vector().size() == 2);

    const auto rejects = [](tms::ModelConfig bad, const std::string& message) {
        CAPTURE(message);
        try {
            tms::validate(bad);
            FAIL("accepted");
        } catch (const std::invalid_argument& e) {
            CHECK(std::string(e.what()).find(message) != std::string::npos);
        }
    };
    tms::ModelConfig too_many = c;
    too_many.features = 4;
    rejects(too_many, "the feature sets hold 5 features but there are 4");
    tms::ModelConfig wrong_length = c;
    wrong_length.probability = std::vector<double>{0.3, 0.4, 0.5};
    rejects(wrong_length, "probability vector has 3 entries but there are 2 features outside the feature sets");
    tms::ModelConfig anti = c;
    anti.feature_sets[1].probability = 0.5;  // 3 members × 0.5 > 1
    rejects(anti, "would fire with probability 1.5 > 1");
}

TEST_CASE("a grid's feature sets without a probability follow the probability axis") {
    tms::SweepGrid grid;
    grid.base.features = 6;
    grid.base.hidden = 2;
    grid.base.feature_sets = {{tms::SetCorrelation::correlated, 2, std::nan("")},
                              {tms::SetCorrelation::anticorrelated, 2, 0.2}};
    grid.probabilities = {0.1, 0.01};
    const auto configs = grid.expand();
    REQUIRE(configs.size() == 2);
    CHECK(configs[0].feature_sets[0].probability == 0.1);
    CHECK(configs[1].feature_sets[0].probability == 0.01);
    CHECK(configs[1].feature_sets[1].probability == 0.2);  // its own, kept
    grid.probabilities = {std::vector<double>{0.1, 0.1}};
    CHECK_THROWS_WITH_AS((void)grid.expand(),
                         doctest::Contains("feature set 0 has no probability of its own and takes the config's"),
                         std::invalid_argument);
}

TEST_CASE("invalid configs are rejected with a message naming the value") {
    tms::SweepGrid grid;
    grid.base.features = 3;
    auto message = [](const tms::SweepGrid& g) -> std::string {
        try {
            (void)g.expand();
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "";
    };
    grid.models = {"relu_output", "transformer"};
    CHECK(message(grid).find("unknown model 'transformer'") != std::string::npos);
    grid.models = {};
    grid.probabilities = {0.1, 1.5};
    CHECK(message(grid).find("1.5") != std::string::npos);
    grid.probabilities = {std::vector<double>{0.1, 0.2}};
    CHECK(message(grid).find("probability vector has 2 entries but there are 3 features") != std::string::npos);
    grid.probabilities = {};
    grid.importances = {std::vector<double>{1, 2, 3, 4}};
    CHECK(message(grid).find("importance vector has 4 entries") != std::string::npos);
    grid.importances = {-0.5};
    CHECK(message(grid).find("importance ratio") != std::string::npos);
    grid.importances = {};
    grid.sizes = {{3, 0}};
    CHECK(message(grid).find("hidden (m) must be at least 1, got 0") != std::string::npos);
    grid.sizes = {};
    grid.seeds = {4, 4};
    CHECK(message(grid).find("repeats an earlier one") != std::string::npos);
    grid.seeds = {4, 5};
    CHECK(message(grid).empty());
}

TEST_CASE("validate covers every value that would only fail once training starts") {
    auto message = [](tms::ModelConfig config) -> std::string {
        try {
            tms::validate(config);
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "";
    };
    tms::ModelConfig config;
    CHECK(message(config).empty());
    config.optimizer = tms::AdamOptions{2.0, 0.999, 1e-8, 0.0};
    CHECK(message(config).find("beta1 must be in [0, 1), got 2") != std::string::npos);
    config.optimizer = tms::AdamWOptions{0.9, -1.0, 1e-8, 0.01};
    CHECK(message(config).find("beta2 must be in [0, 1), got -1") != std::string::npos);
    config.optimizer = tms::AdamOptions{0.9, 0.999, 0.0, 0.0};
    CHECK(message(config).find("epsilon") != std::string::npos);
    config.optimizer = tms::SgdOptions{0.0, 0.0, -1.0, false};
    CHECK(message(config).find("weight decay must be finite and non-negative, got -1") != std::string::npos);
    config.optimizer = tms::SgdOptions{0.0, 0.0, 0.0, true};
    CHECK(message(config).find("Nesterov momentum requires a momentum") != std::string::npos);
    config.optimizer = tms::AdamWOptions{};
    config.importance = 1e39;
    CHECK(message(config).find("beyond the float range") != std::string::npos);
    config.importance = 10.0;  // 10^19 for the last of 20 features: fine in float
    CHECK(message(config).empty());
    config.importance = 1e3;  // 10^57: not
    CHECK(message(config).find("gives I_19") != std::string::npos);
    config.importance = std::vector<double>(20, 1e39);
    CHECK(message(config).find("importance of feature 0") != std::string::npos);
}
