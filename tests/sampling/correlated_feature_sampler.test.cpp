// tms::CorrelatedFeatureSampler: exact set structure (correlated all-or-none, anticorrelated at most one), marginal
// and joint frequencies within 5 standard errors on both sparse paths, sparse/dense/feature-major equality for one
// engine state, value ranges, invalid configurations, and training through tms::train.
//
// Bound: a frequency f̂ over N Bernoulli(p) trials has standard error σ = √(p(1 − p)/N); a check |f̂ − p| < 5σ fails
// by chance with probability 6·10⁻⁷ per check (the seeds are fixed, so a pass is reproducible).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include <tms/models/initialization.hpp>
#include <tms/models/relu_output_model.hpp>
#include <tms/optim/trainer.hpp>
#include <tms/sampling/correlated_feature_sampler.hpp>

namespace {

using tms::FeatureSet;
using tms::Index;
using tms::SetCorrelation;

constexpr Index kSamples = 200'000;

/// |observed − p| < 5 standard errors of a frequency over \p trials trials.
bool within_five_sigma(double observed, double p, Index trials) {
    const double sigma = std::sqrt(p * (1.0 - p) / static_cast<double>(trials));
    return std::abs(observed - p) < 5.0 * sigma + 1e-12;
}

/// ARENA's layout: 2 correlated pairs, 2 anticorrelated triples, then 3 independent features.
std::vector<FeatureSet> mixed_sets(double correlated_p, double anticorrelated_p) {
    auto sets = tms::repeated_feature_sets(2, 2, SetCorrelation::correlated, correlated_p);
    const auto anti = tms::repeated_feature_sets(2, 3, SetCorrelation::anticorrelated, anticorrelated_p);
    sets.insert(sets.end(), anti.begin(), anti.end());
    return sets;
}

template <class Scalar>
tms::SparseBatch<Scalar> draw(const tms::CorrelatedFeatureSampler<Scalar>& sampler, std::uint64_t seed,
                              Index samples = kSamples) {
    tms::RandomEngine engine(seed);
    tms::SparseBatch<Scalar> batch;
    sampler.sample_sparse(engine, samples, batch);
    return batch;
}

/// Increasing sample ids and feature indices, consistent offsets, nonempty stored samples.
template <class Scalar>
bool well_formed(const tms::SparseBatch<Scalar>& batch, Index features, Index samples) {
    if (batch.features != features || batch.samples() != samples) return false;
    if (batch.offsets.size() != batch.sample_ids.size() + 1 || batch.offsets.front() != 0) return false;
    if (batch.offsets.back() != static_cast<std::int32_t>(batch.indices.size())) return false;
    if (batch.values.size() != batch.indices.size()) return false;
    for (std::size_t j = 0; j < batch.sample_ids.size(); ++j) {
        if (j > 0 && batch.sample_ids[j] <= batch.sample_ids[j - 1]) return false;
        if (batch.sample_ids[j] < 0 || batch.sample_ids[j] >= samples) return false;
        if (batch.offsets[j + 1] <= batch.offsets[j]) return false;
        for (std::int32_t k = batch.offsets[j]; k < batch.offsets[j + 1]; ++k) {
            if (batch.indices[k] < 0 || batch.indices[k] >= features) return false;
            if (k > batch.offsets[j] && batch.indices[k] <= batch.indices[k - 1]) return false;
        }
    }
    return true;
}

/// Presence as a features × samples boolean matrix.
template <class Scalar>
Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> presence(const tms::SparseBatch<Scalar>& batch) {
    Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> present =
        Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>::Constant(batch.features, batch.samples(), false);
    for (std::size_t j = 0; j < batch.sample_ids.size(); ++j)
        for (std::int32_t k = batch.offsets[j]; k < batch.offsets[j + 1]; ++k)
            present(batch.indices[k], batch.sample_ids[j]) = true;
    return present;
}

/// Checks the exact set structure and every marginal and set-firing frequency of one configuration.
template <class Scalar>
void check_statistics(const tms::CorrelatedFeatureSampler<Scalar>& sampler, std::uint64_t seed) {
    const auto batch = draw(sampler, seed);
    REQUIRE(well_formed(batch, sampler.features(), kSamples));
    const auto present = presence(batch);

    for (std::size_t j = 0; j < sampler.sets().size(); ++j) {
        CAPTURE(j);
        const FeatureSet& set = sampler.sets()[j];
        const auto members = present.middleRows(sampler.set_first_feature(j), set.size);
        const Eigen::Array<int, 1, Eigen::Dynamic> counts = members.template cast<int>().colwise().sum();
        if (set.correlation == SetCorrelation::correlated) {
            // Exactly: every sample has all members or none.
            CHECK(((counts == 0) || (counts == static_cast<int>(set.size))).all());
        } else {
            // Exactly: never two members at once; the set fires with probability k·p.
            CHECK(counts.maxCoeff() <= 1);
            const double fired = static_cast<double>((counts == 1).count()) / static_cast<double>(kSamples);
            CHECK(within_five_sigma(fired, static_cast<double>(set.size) * set.probability, kSamples));
        }
    }
    for (Index i = 0; i < sampler.features(); ++i) {
        CAPTURE(i);
        const double p = static_cast<double>(sampler.probabilities()[i]);
        const double frequency = static_cast<double>(present.row(i).count()) / static_cast<double>(kSamples);
        CAPTURE(frequency);
        CHECK(within_five_sigma(frequency, p, kSamples));
    }
    // Different units are independent: the first member of set 0 with the first independent feature.
    const Index a = 0;
    const Index b = sampler.first_independent_feature();
    if (b < sampler.features()) {
        const double joint = static_cast<double>((present.row(a) && present.row(b)).count()) /
                             static_cast<double>(kSamples);
        const double expected = static_cast<double>(sampler.probabilities()[a] * sampler.probabilities()[b]);
        CAPTURE(joint);
        CHECK(within_five_sigma(joint, expected, kSamples));
    }
}

}  // namespace

static_assert(tms::feature_sampler<tms::CorrelatedFeatureSampler<float>>);
static_assert(tms::feature_sampler<tms::CorrelatedFeatureSampler<double>>);

TEST_CASE_TEMPLATE("sparse regime (geometric skips): exact set structure, frequencies within 5 sigma", Scalar, float,
                   double) {
    const tms::CorrelatedFeatureSampler<Scalar> sampler(mixed_sets(0.05, 0.04), 3, 0.02);
    CHECK(sampler.features() == 2 * 2 + 2 * 3 + 3);
    CHECK(sampler.first_independent_feature() == 10);
    CHECK(tms::features_in_sets(sampler.sets()) == 10);
    CHECK(tms::features_in_sets({}) == 0);
    CHECK(sampler.skips_geometrically());
    check_statistics(sampler, 7);
}

TEST_CASE_TEMPLATE("dense regime (per-unit comparisons): exact set structure, frequencies within 5 sigma", Scalar,
                   float, double) {
    const tms::CorrelatedFeatureSampler<Scalar> sampler(mixed_sets(0.5, 0.3), 3, 0.3);
    CHECK_FALSE(sampler.skips_geometrically());
    check_statistics(sampler, 8);
}

TEST_CASE("many segments of distinct probabilities fall back to comparisons and stay exact") {
    // 10 independent features of distinct probabilities: 11 segments, more than the geometric path interleaves.
    tms::VectorX<double> independent(10);
    for (Index i = 0; i < 10; ++i) independent[i] = 0.01 * static_cast<double>(i + 1);
    const tms::CorrelatedFeatureSampler<double> sampler(
        tms::repeated_feature_sets(1, 4, SetCorrelation::anticorrelated, 0.05), independent);
    CHECK_FALSE(sampler.skips_geometrically());
    check_statistics(sampler, 9);
}

TEST_CASE("more than 64 units: the comparison path spans several masks") {
    const tms::CorrelatedFeatureSampler<float> sampler(
        tms::repeated_feature_sets(40, 2, SetCorrelation::correlated, 0.3), 50, 0.4);
    CHECK(sampler.features() == 130);
    CHECK_FALSE(sampler.skips_geometrically());
    check_statistics(sampler, 10);
}

TEST_CASE("probability 1 and 0: a correlated set always present, an anticorrelated set with k·p = 1 always one") {
    std::vector<FeatureSet> sets{{SetCorrelation::correlated, 3, 1.0},
                                 {SetCorrelation::anticorrelated, 4, 0.25},
                                 {SetCorrelation::correlated, 2, 0.0}};
    const tms::CorrelatedFeatureSampler<double> sampler(sets, 0, 0.0);
    const auto present = presence(draw(sampler, 3, 5000));
    CHECK(present.topRows(3).all());
    CHECK((present.middleRows(3, 4).template cast<int>().colwise().sum() == 1).all());
    CHECK_FALSE(present.bottomRows(2).any());
}

TEST_CASE_TEMPLATE("sample and sample_feature_major are sample_sparse scattered, for the same engine state", Scalar,
                   float, double) {
    for (const double p : {0.02, 0.4}) {
        CAPTURE(p);
        const tms::CorrelatedFeatureSampler<Scalar> sampler(mixed_sets(p, p / 2), 5, p);
        constexpr Index samples = 777;
        tms::RandomEngine sparse_engine(11), dense_engine(11), major_engine(11);
        tms::SparseBatch<Scalar> sparse;
        sampler.sample_sparse(sparse_engine, samples, sparse);
        tms::MatrixX<Scalar> dense(sampler.features(), samples);
        sampler.sample(dense_engine, dense);
        CHECK(dense == sparse.to_dense());
        CHECK(sparse.nonzeros() > 0);
        constexpr Index stride = 784;
        std::vector<Scalar> major(static_cast<std::size_t>(sampler.features() * stride), Scalar(-7));
        sampler.sample_feature_major(major_engine, samples, major.data(), stride);
        const Eigen::Map<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> rows(
            major.data(), sampler.features(), stride);
        CHECK(rows.leftCols(samples) == sparse.to_dense());
        CHECK((rows.rightCols(stride - samples).array() == Scalar(0)).all());
        // All three leave the engine in the same state, so a caller may mix them.
        CHECK(sparse_engine == dense_engine);
        CHECK(sparse_engine == major_engine);
    }
}

TEST_CASE_TEMPLATE("values are uniform on [0, 1) or [-1, 1): range exact, mean within 5 sigma", Scalar, float,
                   double) {
    for (const auto range : {tms::FeatureRange::unit, tms::FeatureRange::symmetric}) {
        const tms::CorrelatedFeatureSampler<Scalar> sampler(mixed_sets(0.1, 0.1), 2, 0.1, range);
        const auto batch = draw(sampler, 12);
        const Eigen::Map<const tms::VectorX<Scalar>> values(batch.values.data(),
                                                            static_cast<Index>(batch.values.size()));
        const bool symmetric = range == tms::FeatureRange::symmetric;
        CHECK(values.minCoeff() >= (symmetric ? Scalar(-1) : Scalar(0)));
        CHECK(values.maxCoeff() < Scalar(1));
        // Uniform on an interval of width w has standard deviation w/√12.
        const double mean = static_cast<double>(values.template cast<double>().mean());
        const double sigma = (symmetric ? 2.0 : 1.0) / std::sqrt(12.0 * static_cast<double>(values.size()));
        CHECK(std::abs(mean - (symmetric ? 0.0 : 0.5)) < 5.0 * sigma);
    }
}

TEST_CASE("the same seed gives the same batch; another seed a different one") {
    const tms::CorrelatedFeatureSampler<float> sampler(mixed_sets(0.05, 0.05), 4, 0.05);
    const auto a = draw(sampler, 21, 4096);
    const auto b = draw(sampler, 21, 4096);
    const auto c = draw(sampler, 22, 4096);
    CHECK(a.indices == b.indices);
    CHECK(a.values == b.values);
    CHECK(a.indices != c.indices);
}

TEST_CASE("invalid configuration throws std::invalid_argument naming the value") {
    using Sampler = tms::CorrelatedFeatureSampler<double>;
    auto message = [](auto&& make) {
        try {
            make();
        } catch (const std::invalid_argument& error) {
            return std::string(error.what());
        }
        return std::string("no exception");
    };
    CHECK(message([] { Sampler({{SetCorrelation::anticorrelated, 3, 0.4}}, 0, 0.0); })
              .find("anticorrelated feature set 0 of 3 features with probability 0.4") != std::string::npos);
    CHECK(message([] { Sampler({{SetCorrelation::correlated, 0, 0.4}}, 1, 0.1); })
              .find("size of feature set 0 must be at least 1, got 0") != std::string::npos);
    CHECK(message([] { Sampler({{SetCorrelation::correlated, 2, 1.5}}, 1, 0.1); })
              .find("probability of feature set 0 must be a probability in [0, 1], got 1.5") != std::string::npos);
    CHECK(message([] { Sampler({}, 0, 0.1); }).find("features (n) of the correlated sampler must be at least 1") !=
          std::string::npos);
    CHECK(message([] { Sampler({}, 2, -0.1); }).find("independent feature probability") != std::string::npos);
    CHECK(message([] { Sampler({}, tms::VectorX<double>::Constant(2, 2.0)); })
              .find("probability of independent feature 0") != std::string::npos);
    CHECK(message([] { (void)tms::repeated_feature_sets(-1, 2, SetCorrelation::correlated, 0.1); })
              .find("got -1") != std::string::npos);
}

TEST_CASE("tms::train trains on it: the loss falls, correlated pairs end up represented") {
    // 3 correlated pairs at p = 0.05 into m = 3: enough room, so training must reduce the loss a lot.
    const tms::CorrelatedFeatureSampler<float> data(
        tms::repeated_feature_sets(3, 2, SetCorrelation::correlated, 0.05), 0, 0.0);
    tms::ReluOutputModel<float> model(6, 3);
    tms::initialize(model, 1);
    tms::TrainOptions options;
    options.steps = 2000;
    options.batch_size = 512;
    const tms::VectorX<float> importance = tms::VectorX<float>::Ones(6);
    const auto report = tms::train(model, data, importance, options);
    REQUIRE(report.loss_history.size() >= 2);
    CHECK(report.final_loss < 0.5 * report.loss_history.front().loss);
}

TEST_CASE("parse_feature_sets reads COUNTxSIZE[@P] and names the option and value in errors") {
    CHECK(tms::parse_feature_sets("2x3", SetCorrelation::anticorrelated, 0.1, "--anticorrelated-sets") ==
          tms::repeated_feature_sets(2, 3, SetCorrelation::anticorrelated, 0.1));
    CHECK(tms::parse_feature_sets("4x2@0.05", SetCorrelation::correlated, 0.1, "--correlated-sets") ==
          tms::repeated_feature_sets(4, 2, SetCorrelation::correlated, 0.05));
    CHECK(tms::parse_feature_sets("0x2", SetCorrelation::correlated, 0.1, "x").empty());
    for (const char* bad : {"2", "2x", "x2", "2x2@", "2x2@abc", "2x2@0.1z", "-1x2", "2y2", "2x2x2"}) {
        CAPTURE(bad);
        CHECK_THROWS_WITH_AS((void)tms::parse_feature_sets(bad, SetCorrelation::correlated, 0.1, "--correlated-sets"),
                             (std::string("--correlated-sets: expected COUNTxSIZE or COUNTxSIZE@PROBABILITY (e.g. 2x2 "
                                          "or 2x2@0.05), got '") + bad + "'").c_str(),
                             std::invalid_argument);
    }
    CHECK_THROWS_WITH_AS((void)tms::parse_feature_sets("2x0", SetCorrelation::correlated, 0.1, "--correlated-sets"),
                         "--correlated-sets: sets need at least one feature, got '2x0'", std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)tms::parse_feature_sets("2x2@1.5", SetCorrelation::correlated, 0.1, "--correlated-sets"),
                         "--correlated-sets probability in '2x2@1.5' must be a probability in [0, 1], got 1.5",
                         std::invalid_argument);
}
