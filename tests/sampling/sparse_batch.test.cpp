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
