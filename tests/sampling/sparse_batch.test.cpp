// tms::SparseBatch: the dense and feature-major scatters every tile path of the Trainer reads.
#include <doctest/doctest.h>

#include <vector>

#include <tms/sampling/random_engine.hpp>
#include <tms/sampling/sparse_batch.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

TEST_CASE_TEMPLATE("scatter_to and scatter_feature_major write the batch's samples, zeros elsewhere", Scalar, float,
                   double) {
    const tms::SparseFeatureSampler<Scalar> data(7, 0.3);
    tms::RandomEngine engine(11);
    tms::SparseBatch<Scalar> batch;
    data.sample_sparse(engine, 37, batch);
    REQUIRE(batch.nonzeros() > 0);
    const tms::MatrixX<Scalar> dense = batch.to_dense();

    tms::MatrixX<Scalar> scattered = tms::MatrixX<Scalar>::Constant(7, 37, Scalar(9));  // stale values are cleared
    batch.scatter_to(scattered);
    CHECK(scattered == dense);

    const tms::Index stride = 40;
    std::vector<Scalar> feature_major(static_cast<std::size_t>(7 * stride), Scalar(9));
    batch.scatter_feature_major(feature_major.data(), stride);
    for (tms::Index i = 0; i < 7; ++i)
        for (tms::Index s = 0; s < stride; ++s)
            CHECK(feature_major[static_cast<std::size_t>(i * stride + s)] == (s < 37 ? dense(i, s) : Scalar(0)));
}

TEST_CASE("scatter_feature_major agrees with to_dense on both of its paths and at their limits") {
    // (features, probability, samples): many features per sample (the per-nonzero path), about one (the
    // per-sample loop), more than 16 features, and exactly 4096 and 4112 nonzeros around the scratch limit.
    struct Case {
        tms::Index n;
        double p;
        tms::Index samples;
    };
    for (const Case c : {Case{10, 0.7, 256}, Case{10, 0.05, 256}, Case{20, 0.7, 256}, Case{16, 1.0, 256},
                         Case{16, 1.0, 257}, Case{3, 0.9, 5}, Case{16, 0.5, 1}}) {
        CAPTURE(c.n);
        CAPTURE(c.p);
        CAPTURE(c.samples);
        const tms::SparseFeatureSampler<float> data(c.n, c.p);
        tms::RandomEngine engine(5);
        tms::SparseBatch<float> batch;
        data.sample_sparse(engine, c.samples, batch);
        const tms::MatrixX<float> dense = batch.to_dense();
        const tms::Index stride = (c.samples + 15) / 16 * 16;
        std::vector<float> feature_major(static_cast<std::size_t>(c.n * stride), 9.0f);
        batch.scatter_feature_major(feature_major.data(), stride);
        bool same = true;
        for (tms::Index i = 0; i < c.n; ++i)
            for (tms::Index s = 0; s < stride; ++s)
                same = same && feature_major[static_cast<std::size_t>(i * stride + s)] ==
                                   (s < c.samples ? dense(i, s) : 0.0f);
        CHECK(same);
    }
}
