// The gradient the trainer steps with is the exact gradient of the loss, whichever tile path its core takes.
//
// A sampler that always returns one fixed batch (with all-zero samples and single-feature samples, which the core
// handles specially) steers the trainer through each path by the density it reports; one SGD step with lr = 1
// from θ₀ gives θ₁ = θ₀ − ∇L, and ∇L is compared with central differences of model.loss on that batch, in double.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include <tms/core.hpp>

#include "../support/finite_difference.hpp"

namespace {

/// A feature_sampler that hands out the same batch on every call, by each of the trainer's sampling interfaces.
template <class Scalar_>
class FixedBatchSampler {
public:
    using Scalar = Scalar_;

    FixedBatchSampler(tms::MatrixX<Scalar> batch, double reported_density)
        : batch_(std::move(batch)), density_(reported_density) {}

    [[nodiscard]] tms::Index features() const noexcept { return batch_.rows(); }
    /// What the trainer reads to pick its tile kind.
    [[nodiscard]] double mean_probability() const noexcept { return density_; }

    template <class Derived>
    void sample(tms::RandomEngine&, Eigen::PlainObjectBase<Derived>& out) const {
        REQUIRE(out.cols() == batch_.cols());
        out = batch_;
    }

    void sample_sparse(tms::RandomEngine&, tms::Index samples, tms::SparseBatch<Scalar>& out) const {
        REQUIRE(samples == batch_.cols());
        out.assign(batch_);
    }

    void sample_feature_major(tms::RandomEngine&, tms::Index samples, Scalar* out, tms::Index stride) const {
        REQUIRE(samples == batch_.cols());
        REQUIRE(stride >= samples);
        for (tms::Index i = 0; i < features(); ++i) {
            for (tms::Index s = 0; s < samples; ++s) out[i * stride + s] = batch_(i, s);
            std::fill(out + i * stride + samples, out + (i + 1) * stride, Scalar(0));
        }
    }

private:
    tms::MatrixX<Scalar> batch_;
    double density_;
};

static_assert(tms::feature_sampler<FixedBatchSampler<double>>);

/// For each reported density (so each tile kind the core may choose): the trainer's step equals −∇L by central
/// differences, and its recorded loss equals model.loss on the batch.
template <class Model>
void check_trainer_gradient(tms::Index n, tms::Index m, tms_test::InputKind kind) {
    CAPTURE(n);
    CAPTURE(m);
    CAPTURE(static_cast<int>(kind));
    const Eigen::VectorXd importance = tms::geometric_importance<double>(n, 0.9);
    for (std::uint64_t attempt = 0; attempt < 1000; ++attempt) {
        Model model(n, m);
        tms::initialize(model, 100 + attempt);
        tms::RandomEngine engine(100 + attempt, 7);
        for (tms::Index i = 0; i < n; ++i) {
            const double magnitude = 0.1 + 0.4 * engine.uniform<double>();
            model.b()[i] = engine.uniform<double>() < 0.5 ? -magnitude : magnitude;
        }
        const Eigen::MatrixXd x = tms_test::draw_inputs(model, kind, engine);
        if (tms_test::kink_distance(model, x) < 1e-3) continue;
        const tms_test::GradientComparison expected = tms_test::compare_gradient(model, x, importance);
        if (expected.numeric.norm() == 0.0) continue;
        REQUIRE(x.cols() <= tms::Trainer<Model, FixedBatchSampler<double>>::tile_samples);

        std::vector<double> before(static_cast<std::size_t>(model.parameter_count()));
        model.pack(before);
        for (const double density : {1.0, 0.5, 0.1, 0.03, 0.005}) {
            CAPTURE(density);
            Model trained = model;
            const FixedBatchSampler<double> sampler(x, density);
            tms::TrainOptions options;
            options.steps = 1;
            options.batch_size = x.cols();
            options.learning_rate = 1.0;
            options.optimizer = tms::SgdOptions{};
            const tms::TrainReport report = tms::train(trained, sampler, importance, options);
            REQUIRE(report.loss_history.size() == 1);
            CHECK(report.loss_history[0].loss == doctest::Approx(expected.loss).epsilon(1e-12));
            std::vector<double> after(before.size());
            trained.pack(after);
            Eigen::VectorXd step(static_cast<Eigen::Index>(before.size()));
            for (std::size_t k = 0; k < before.size(); ++k) step[static_cast<Eigen::Index>(k)] = before[k] - after[k];
            const double relative_error = (step - expected.numeric).norm() / expected.numeric.norm();
            CHECK(relative_error < 1e-6);
        }
        return;
    }
    FAIL("no point away from the ReLU kinks in 1000 attempts");
}

template <template <class, int, int> class Model>
void check_all_sizes() {
    for (const tms_test::InputKind kind : {tms_test::InputKind::dense, tms_test::InputKind::sparse}) {
        for (const auto& [n, m] : {std::pair<tms::Index, tms::Index>{20, 5}, {1, 1}, {3, 7}, {33, 8}, {12, 17}, {40, 3}})
            check_trainer_gradient<Model<double, tms::Dynamic, tms::Dynamic>>(n, m, kind);
        check_trainer_gradient<Model<double, 20, 5>>(20, 5, kind);
        check_trainer_gradient<Model<double, 1, 1>>(1, 1, kind);
        check_trainer_gradient<Model<double, 3, 7>>(3, 7, kind);
    }
}

}  // namespace

TEST_CASE("the trainer steps with the exact gradient: linear model") { check_all_sizes<tms::LinearModel>(); }
TEST_CASE("the trainer steps with the exact gradient: ReLU output model") { check_all_sizes<tms::ReluOutputModel>(); }
TEST_CASE("the trainer steps with the exact gradient: ReLU hidden model") { check_all_sizes<tms::ReluHiddenModel>(); }
TEST_CASE("the trainer steps with the exact gradient: absolute-value model") { check_all_sizes<tms::AbsValueModel>(); }
