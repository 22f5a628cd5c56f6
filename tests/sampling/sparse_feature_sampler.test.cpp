// tms::SparseFeatureSampler: presence frequencies on the dense and sparse paths (Bernoulli and geometric skips),
// value ranges, reproducibility, and invalid probabilities.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include <tms/sampling/sparse_feature_sampler.hpp>

namespace {

constexpr tms::Index kSamples = 100'000;

template <class Scalar>
double dense_frequency(const tms::SparseFeatureSampler<Scalar>& sampler, std::uint64_t seed) {
    tms::RandomEngine engine(seed);
    const tms::MatrixX<Scalar> x = sampler.sample(engine, kSamples);
    return static_cast<double>((x.array() != Scalar(0)).count()) / static_cast<double>(x.size());
}

template <class Scalar>
tms::SparseBatch<Scalar> sparse_batch(const tms::SparseFeatureSampler<Scalar>& sampler, std::uint64_t seed,
                                      tms::Index samples = kSamples) {
    tms::RandomEngine engine(seed);
    tms::SparseBatch<Scalar> batch;
    sampler.sample_sparse(engine, samples, batch);
    return batch;
}

/// Structure of a SparseBatch: increasing sample ids and feature indices, offsets consistent, values present.
template <class Scalar>
void check_well_formed(const tms::SparseBatch<Scalar>& batch, tms::Index features, tms::Index samples) {
    CHECK(batch.features == features);
    CHECK(batch.samples() == samples);
    REQUIRE(batch.offsets.size() == batch.sample_ids.size() + 1);
    CHECK(batch.offsets.front() == 0);
    CHECK(batch.offsets.back() == static_cast<std::int32_t>(batch.indices.size()));
    CHECK(batch.values.size() == batch.indices.size());
    bool ordered = true;
    for (std::size_t j = 0; j < batch.sample_ids.size(); ++j) {
        if (j > 0 && batch.sample_ids[j] <= batch.sample_ids[j - 1]) ordered = false;
        if (batch.sample_ids[j] < 0 || batch.sample_ids[j] >= samples) ordered = false;
        if (batch.offsets[j + 1] <= batch.offsets[j]) ordered = false;  // stored samples are nonempty
        for (std::int32_t k = batch.offsets[j]; k < batch.offsets[j + 1]; ++k) {
            if (batch.indices[k] < 0 || batch.indices[k] >= features) ordered = false;
            if (k > batch.offsets[j] && batch.indices[k] <= batch.indices[k - 1]) ordered = false;
        }
    }
    CHECK(ordered);
}

}  // namespace

TEST_CASE_TEMPLATE("presence frequency is p within 0.002 over 100k samples on both paths", Scalar, double, float) {
    constexpr tms::Index n = 20;
    for (const double p : {1.0, 0.5, 0.3, 0.1, 0.01}) {
        CAPTURE(p);
        const tms::SparseFeatureSampler<Scalar> sampler(n, p);
        CHECK(std::abs(dense_frequency(sampler, 42) - p) < 0.002);

        const auto batch = sparse_batch(sampler, 43);
        check_well_formed(batch, n, kSamples);
        const double frequency = static_cast<double>(batch.nonzeros()) / static_cast<double>(kSamples * n);
        CHECK(std::abs(frequency - p) < 0.002);
        // Nonempty samples: 1 − (1 − p)ⁿ of them.
        const double nonempty = static_cast<double>(batch.nonempty()) / static_cast<double>(kSamples);
        CHECK(std::abs(nonempty - (1.0 - std::pow(1.0 - p, n))) < 0.01);
    }
}

TEST_CASE("p = 0 gives only zeros on both paths") {
    const tms::SparseFeatureSampler<double> sampler(7, 0.0);
    CHECK(dense_frequency(sampler, 1) == 0.0);
    const auto batch = sparse_batch(sampler, 1, 1000);
    CHECK(batch.nonzeros() == 0);
    CHECK(batch.nonempty() == 0);
    CHECK(batch.samples() == 1000);
}

TEST_CASE("per-feature probabilities are honoured by each feature") {
    Eigen::VectorXd probabilities(6);
    probabilities << 1.0, 0.9, 0.5, 0.1, 0.01, 0.0;
    const tms::SparseFeatureSampler<double> sampler(probabilities);
    CHECK(sampler.features() == 6);
    CHECK(sampler.mean_probability() == doctest::Approx(probabilities.mean()));
    tms::RandomEngine engine(5);
    const Eigen::MatrixXd dense = sampler.sample(engine, kSamples);
    const Eigen::MatrixXd sparse = sparse_batch(sampler, 6).to_dense();
    for (tms::Index i = 0; i < 6; ++i) {
        CAPTURE(i);
        const double p = probabilities[i];
        CHECK(std::abs(static_cast<double>((dense.row(i).array() != 0.0).count()) / kSamples - p) < 0.006);
        CHECK(std::abs(static_cast<double>((sparse.row(i).array() != 0.0).count()) / kSamples - p) < 0.006);
    }
}

TEST_CASE_TEMPLATE("values are uniform on [0, 1) or [-1, 1)", Scalar, float, double) {
    for (const double p : {1.0, 0.3, 0.05}) {
        CAPTURE(p);
        for (const auto range : {tms::FeatureRange::unit, tms::FeatureRange::symmetric}) {
            const tms::SparseFeatureSampler<Scalar> sampler(10, p, range);
            CHECK(sampler.range() == range);
            const double low = range == tms::FeatureRange::unit ? 0.0 : -1.0;
            tms::RandomEngine engine(8);
            const tms::MatrixX<Scalar> dense = sampler.sample(engine, 20'000);
            const auto batch = sparse_batch(sampler, 9, 20'000);
            Eigen::Array<Scalar, Eigen::Dynamic, 1> present(batch.nonzeros());
            for (tms::Index k = 0; k < batch.nonzeros(); ++k) present[k] = batch.values[static_cast<std::size_t>(k)];
            CHECK(present.minCoeff() >= Scalar(low));
            CHECK(present.maxCoeff() < Scalar(1));
            CHECK(static_cast<double>(present.mean()) == doctest::Approx((low + 1.0) / 2).epsilon(0.02).scale(1));
            CHECK(dense.minCoeff() >= Scalar(low));
            CHECK(dense.maxCoeff() < Scalar(1));
            if (range == tms::FeatureRange::symmetric) {
                CHECK(dense.minCoeff() < Scalar(-0.99));
                CHECK(present.minCoeff() < Scalar(-0.9));
            }
            CHECK(dense.maxCoeff() > Scalar(0.99));
        }
    }
}

TEST_CASE("the same seed gives the same batch; another seed a different one") {
    for (const double p : {1.0, 0.5, 0.05}) {
        CAPTURE(p);
        const tms::SparseFeatureSampler<float> sampler(16, p);
        tms::RandomEngine a(77), b(77), c(78);
        const Eigen::MatrixXf first = sampler.sample(a, 300);
        CHECK(first == sampler.sample(b, 300));
        CHECK(first != sampler.sample(c, 300));
        const auto s1 = sparse_batch(sampler, 3, 300);
        const auto s2 = sparse_batch(sampler, 3, 300);
        CHECK(s1.indices == s2.indices);
        CHECK(s1.values == s2.values);
        CHECK(s1.sample_ids == s2.sample_ids);
        CHECK(s1.to_dense() != sparse_batch(sampler, 4, 300).to_dense());
    }
}

TEST_CASE("the in-place sample resizes rows only and keeps the batch size") {
    const tms::SparseFeatureSampler<double> sampler(5, 0.5);
    tms::RandomEngine engine(1);
    Eigen::MatrixXd batch(3, 17);
    sampler.sample(engine, batch);
    CHECK(batch.rows() == 5);
    CHECK(batch.cols() == 17);
}

TEST_CASE("invalid configuration throws std::invalid_argument naming the value") {
    using Sampler = tms::SparseFeatureSampler<float>;
    CHECK_THROWS_WITH_AS(Sampler(10, 1.5), doctest::Contains("got 1.5"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Sampler(10, -0.25), doctest::Contains("got -0.25"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Sampler(10, std::numeric_limits<double>::quiet_NaN()), doctest::Contains("got nan"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(Sampler(10, std::numeric_limits<double>::infinity()), doctest::Contains("got inf"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(Sampler(0, 0.5), doctest::Contains("features (n) must be at least 1, got 0"),
                         std::invalid_argument);
    Eigen::VectorXd probabilities(3);
    probabilities << 0.5, 0.2, 2.0;
    CHECK_THROWS_WITH_AS(Sampler{probabilities}, doctest::Contains("probability of feature 2"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(Sampler{probabilities}, doctest::Contains("got 2"), std::invalid_argument);

    const Sampler sampler(4, 0.5);
    tms::RandomEngine engine(1);
    CHECK_THROWS_WITH_AS((void)sampler.sample(engine, 0), doctest::Contains("batch size must be at least 1, got 0"),
                         std::invalid_argument);
    tms::SparseBatch<float> batch;
    CHECK_THROWS_WITH_AS(sampler.sample_sparse(engine, -3, batch), doctest::Contains("got -3"),
                         std::invalid_argument);
}

TEST_CASE_TEMPLATE("p = 1 stores every feature of every sample; the feature-major path honours p too", Scalar, float,
                   double) {
    const tms::SparseFeatureSampler<Scalar> all(9, 1.0);
    const auto batch = sparse_batch(all, 12, 5000);
    CHECK(batch.nonzeros() == 9 * 5000);
    CHECK(batch.nonempty() == 5000);

    // sample_feature_major (the trainer's lanes-over-samples tiles): frequency, zero padding up to the stride.
    constexpr tms::Index n = 20, samples = 50'000, stride = samples + 13;
    for (const double p : {1.0, 0.5, 0.05, 0.0}) {
        CAPTURE(p);
        const tms::SparseFeatureSampler<Scalar> sampler(n, p);
        std::vector<Scalar> out(static_cast<std::size_t>(n * stride), Scalar(-1));
        tms::RandomEngine engine(21);
        sampler.sample_feature_major(engine, samples, out.data(), stride);
        long present = 0;
        bool padding_zero = true, in_range = true;
        for (tms::Index i = 0; i < n; ++i) {
            for (tms::Index s = 0; s < samples; ++s) {
                const Scalar v = out[static_cast<std::size_t>(i * stride + s)];
                present += v != Scalar(0);
                in_range = in_range && v >= Scalar(0) && v < Scalar(1);
            }
            for (tms::Index s = samples; s < stride; ++s) padding_zero = padding_zero && out[static_cast<std::size_t>(i * stride + s)] == Scalar(0);
        }
        CHECK(in_range);
        CHECK(padding_zero);
        CHECK(std::abs(static_cast<double>(present) / static_cast<double>(n * samples) - p) < 0.002);
    }
}

TEST_CASE_TEMPLATE("present values are independent of presence on every path, drawn tile by tile as the trainer does",
                   Scalar, float, double) {
    // A present feature's value must be uniform whatever decided its presence: a value drawn from the same random
    // word as the presence test would sit below p (mean p/2 instead of 1/2).
    constexpr tms::Index tile = 256, tiles = 200;
    for (const tms::Index n : {tms::Index{20}, tms::Index{100}}) {
        for (const double p : {0.5, 0.1, 0.01}) {
            CAPTURE(n);
            CAPTURE(p);
            const tms::SparseFeatureSampler<Scalar> sampler(n, p);
            std::vector<double> sparse_values, dense_values, feature_major_values;
            tms::RandomEngine engine(77);
            tms::SparseBatch<Scalar> batch;
            tms::MatrixX<Scalar> dense(n, tile);
            std::vector<Scalar> feature_major(static_cast<std::size_t>(n * tile));
            for (tms::Index t = 0; t < tiles; ++t) {
                sampler.sample_sparse(engine, tile, batch);
                sparse_values.insert(sparse_values.end(), batch.values.begin(), batch.values.end());
                sampler.sample(engine, dense);
                for (const Scalar v : dense.reshaped())
                    if (v != Scalar(0)) dense_values.push_back(static_cast<double>(v));
                sampler.sample_feature_major(engine, tile, feature_major.data(), tile);
                for (const Scalar v : feature_major)
                    if (v != Scalar(0)) feature_major_values.push_back(static_cast<double>(v));
            }
            for (const auto* values : {&sparse_values, &dense_values, &feature_major_values}) {
                const double expected = p * static_cast<double>(n * tile * tiles);
                REQUIRE(static_cast<double>(values->size()) == doctest::Approx(expected).epsilon(0.05));
                double sum = 0;
                long below_half = 0;
                for (const double v : *values) {
                    sum += v;
                    below_half += v < 0.5;
                }
                const double count = static_cast<double>(values->size());
                CHECK(sum / count == doctest::Approx(0.5).epsilon(0.02));
                CHECK(static_cast<double>(below_half) / count == doctest::Approx(0.5).epsilon(0.04));
            }
        }
    }
}

TEST_CASE_TEMPLATE("sample, sample_feature_major and sample_sparse give the same data for the same engine state",
                   Scalar, float, double) {
    // The trainer asks each tile kind for its own layout, so a seed means the same data only if the three agree,
    // in both regimes (feature-major draw at p >= geometric_threshold, or small_geometric_threshold for short samples,
    // or unequal probabilities; geometric below).
    constexpr tms::Index samples = 256, stride = 272;
    tms::VectorX<Scalar> unequal(12);
    for (tms::Index i = 0; i < 12; ++i) unequal[i] = Scalar(0.9) / Scalar(i + 1);
    const std::vector<tms::SparseFeatureSampler<Scalar>> samplers = {
        tms::SparseFeatureSampler<Scalar>(10, 0.7), tms::SparseFeatureSampler<Scalar>(10, 0.12),
        tms::SparseFeatureSampler<Scalar>(10, 0.03), tms::SparseFeatureSampler<Scalar>(40, 0.12),
        tms::SparseFeatureSampler<Scalar>(100, 0.3), tms::SparseFeatureSampler<Scalar>(100, 0.01),
        tms::SparseFeatureSampler<Scalar>(7, 1.0, tms::FeatureRange::symmetric),
        tms::SparseFeatureSampler<Scalar>(unequal)};
    for (const auto& sampler : samplers) {
        CAPTURE(sampler.features());
        CAPTURE(sampler.probabilities()[0]);
        for (const std::uint64_t seed : {1u, 2u, 3u}) {
            tms::RandomEngine sparse_engine(seed), dense_engine(seed), major_engine(seed);
            tms::SparseBatch<Scalar> sparse;
            sampler.sample_sparse(sparse_engine, samples, sparse);
            check_well_formed(sparse, sampler.features(), samples);
            tms::MatrixX<Scalar> dense(sampler.features(), samples);
            sampler.sample(dense_engine, dense);
            std::vector<Scalar> major(static_cast<std::size_t>(sampler.features() * stride), Scalar(-1));
            sampler.sample_feature_major(major_engine, samples, major.data(), stride);
            const tms::MatrixX<Scalar> expected = sparse.to_dense();
            CHECK(dense == expected);
            bool same = true, padding_zero = true;
            for (tms::Index i = 0; i < sampler.features(); ++i) {
                for (tms::Index s = 0; s < samples; ++s)
                    same = same && major[static_cast<std::size_t>(i * stride + s)] == expected(i, s);
                for (tms::Index s = samples; s < stride; ++s)
                    padding_zero = padding_zero && major[static_cast<std::size_t>(i * stride + s)] == Scalar(0);
            }
            CHECK(same);
            CHECK(padding_zero);
            // The three consumed the same random numbers: the engines agree afterwards.
            const std::uint64_t next = sparse_engine();
            CHECK(dense_engine() == next);
            CHECK(major_engine() == next);
        }
    }
}

TEST_CASE("sample_sparse's draw is pinned: a seed's data survives changes to how it is computed") {
    // FNV-1a over (sample_ids, offsets, indices, values) of four 256-sample tiles from seed 2026. The geometric
    // cases (100, 0.01), (10, 0.03) and (40, 0.12) draw as they did before the compress-store and branch-free
    // rewrites of that path. The feature-major cases (10, 0.7), (10, 0.12), (100, 0.3) and (5, 0.05) were
    // re-recorded, on purpose, when one word per feature and sample came to give both presence and value and short
    // samples (n <= 32) came to draw feature-major from p = 0.05: the lanes tile of small models is then filled
    // without a sparse draw and a scatter, from half the random words. A change here changes every trained model of
    // every seed: make it on purpose or not at all, and check the hashes on the AVX-512, AVX2 and SSE2 builds.
    const struct {
        tms::Index features;
        double probability;
        std::uint64_t hash;
    } cases[] = {{10, 0.7, 0xa9197811840c24dfull},
                 {10, 0.12, 0xb07ce1222b979d15ull},
                 {100, 0.3, 0xd226959c36517dabull},
                 {100, 0.01, 0xcddd7029265ec1caull},
                 {5, 0.05, 0xb5064af5d78a3579ull},
                 {10, 0.03, 0xfc305ffec4112611ull},
                 {40, 0.12, 0x19d84429101f30e9ull}};
    for (const auto& pinned : cases) {
        CAPTURE(pinned.features);
        CAPTURE(pinned.probability);
        const tms::SparseFeatureSampler<float> data(pinned.features, pinned.probability);
        tms::RandomEngine engine(2026);
        tms::SparseBatch<float> batch;
        std::uint64_t hash = 1469598103934665603ull;
        const auto mix = [&hash](const auto& words) {
            for (const auto& word : words) {
                unsigned char bytes[sizeof word];
                std::memcpy(bytes, &word, sizeof word);
                for (const unsigned char byte : bytes) hash = (hash ^ byte) * 1099511628211ull;
            }
        };
        for (int tile = 0; tile < 4; ++tile) {
            data.sample_sparse(engine, 256, batch);
            mix(batch.sample_ids);
            mix(batch.offsets);
            mix(batch.indices);
            mix(batch.values);
        }
        CHECK(hash == pinned.hash);
    }
}
