#pragma once
/// \file tests/support/finite_difference.hpp
/// Shared by the model tests: central finite differences of a model's loss (Sophus num_diff.hpp idea), the
/// paper's formulas written out directly with Eigen, and inputs drawn away from every ReLU kink.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <doctest/doctest.h>

#include <tms/core.hpp>

namespace tms_test {

/// The paper's model written out with Eigen, independent of the gradient core: pre-activations and output.
template <class Model>
struct Reference {
    Eigen::MatrixXd hidden_pre;  ///< a = W x (or W₁ x)
    Eigen::MatrixXd output_pre;  ///< z = Wᵀ σ_h(a) + b (or W₂ σ_h(a) + b)
    Eigen::MatrixXd output;      ///< y = σ_o(z)
};

template <class Model>
[[nodiscard]] Reference<Model> reference(const Model& model, const Eigen::MatrixXd& x) {
    using Spec = typename Model::Spec;
    const Eigen::MatrixXd w = model.feature_weights().template cast<double>();
    const Eigen::VectorXd b = model.b().template cast<double>();
    Reference<Model> r;
    r.hidden_pre = w * x;
    Eigen::MatrixXd h = r.hidden_pre;
    if constexpr (!Spec::HiddenActivation::is_identity) h = h.cwiseMax(0.0);
    if constexpr (Spec::tied) {
        r.output_pre = w.transpose() * h;
    } else {
        r.output_pre = model.W2().template cast<double>() * h;
    }
    r.output_pre.colwise() += b;
    r.output = r.output_pre;
    if constexpr (!Spec::OutputActivation::is_identity) r.output = r.output.cwiseMax(0.0);
    return r;
}

/// The loss as the paper defines it: mean over samples and features of I_i (t_i − y_i)², t = x or |x|.
template <class Model>
[[nodiscard]] double reference_loss(const Model& model, const Eigen::MatrixXd& x, const Eigen::VectorXd& importance) {
    const Eigen::MatrixXd target = Model::absolute_value_task ? Eigen::MatrixXd(x.cwiseAbs()) : x;
    const Eigen::MatrixXd error = reference(model, x).output - target;
    return (importance.asDiagonal() * error.cwiseAbs2()).sum() / static_cast<double>(x.size());
}

/// The smallest |pre-activation| at a ReLU that the parameters can move (∞ if there is none).
///
/// A hidden pre-activation of an all-zero sample is exactly 0 whatever W is, so it never crosses the kink.
template <class Model>
[[nodiscard]] double kink_distance(const Model& model, const Eigen::MatrixXd& x) {
    using Spec = typename Model::Spec;
    const Reference<Model> r = reference(model, x);
    double distance = std::numeric_limits<double>::infinity();
    if constexpr (!Spec::HiddenActivation::is_identity) {
        for (Eigen::Index s = 0; s < x.cols(); ++s)
            if (!x.col(s).isZero(0.0)) distance = std::min(distance, r.hidden_pre.col(s).cwiseAbs().minCoeff());
    }
    if constexpr (!Spec::OutputActivation::is_identity) distance = std::min(distance, r.output_pre.cwiseAbs().minCoeff());
    return distance;
}

/// The analytic gradient next to central differences of the loss, both flattened in pack() order.
struct GradientComparison {
    Eigen::VectorXd analytic;
    Eigen::VectorXd numeric;
    double loss = 0;

    /// ‖g − fd‖ / ‖fd‖.
    [[nodiscard]] double relative_error() const { return (analytic - numeric).norm() / numeric.norm(); }
};

/// Central differences (L(θ + h e_k) − L(θ − h e_k)) / 2h of model.loss for every parameter k.
template <class Model>
[[nodiscard]] GradientComparison compare_gradient(const Model& model, const Eigen::MatrixXd& x,
                                                  const Eigen::VectorXd& importance, double step = 1e-5) {
    static_assert(std::is_same_v<typename Model::Scalar, double>, "finite differences are checked in double");
    GradientComparison result;
    Model gradient(model.features(), model.hidden());
    result.loss = model.loss_and_gradient(x, importance, gradient);
    const auto count = static_cast<std::size_t>(model.parameter_count());
    std::vector<double> flat(count);
    gradient.pack(flat);
    result.analytic = Eigen::Map<const Eigen::VectorXd>(flat.data(), static_cast<Eigen::Index>(count));

    std::vector<double> params(count);
    model.pack(params);
    Model probe = model;
    result.numeric.resize(static_cast<Eigen::Index>(count));
    for (std::size_t k = 0; k < count; ++k) {
        const double saved = params[k];
        params[k] = saved + step;
        probe.unpack(params);
        const double plus = probe.loss(x, importance);
        params[k] = saved - step;
        probe.unpack(params);
        const double minus = probe.loss(x, importance);
        params[k] = saved;
        result.numeric[static_cast<Eigen::Index>(k)] = (plus - minus) / (2.0 * step);
    }
    return result;
}

/// Inputs for a gradient check: which columns a batch holds.
enum class InputKind {
    dense,   ///< every feature present
    sparse,  ///< p = 0.1, plus an all-zero column and one single-feature column per feature
};

/// A batch for \p model: uniform on [0, 1) (or [-1, 1) for the abs-value task).
template <class Model>
[[nodiscard]] Eigen::MatrixXd draw_inputs(const Model& model, InputKind kind, tms::RandomEngine& engine) {
    const tms::Index n = model.features();
    const auto range = Model::absolute_value_task ? tms::FeatureRange::symmetric : tms::FeatureRange::unit;
    const double p = kind == InputKind::dense ? 1.0 : 0.1;
    const tms::SparseFeatureSampler<double> sampler(n, p, range);
    Eigen::MatrixXd x = sampler.sample(engine, 12);
    if (kind == InputKind::sparse) {
        const Eigen::Index first = x.cols();
        x.conservativeResize(n, first + 1 + n);
        x.rightCols(1 + n).setZero();
        for (tms::Index i = 0; i < n; ++i) {
            double value = 0.2 + 0.7 * engine.uniform<double>();
            if (Model::absolute_value_task && i % 2 == 1) value = -value;
            x(i, first + 1 + i) = value;
        }
    }
    return x;
}

/// Draws weights, biases and inputs until no ReLU pre-activation is within \p margin of 0, then compares the
/// analytic gradient with central differences. Biases are ±[0.1, 0.5] so all-zero samples sit away from the kink.
template <class Model>
[[nodiscard]] GradientComparison check_gradient_at_random_point(tms::Index n, tms::Index m, InputKind kind,
                                                                std::uint64_t seed, double margin = 1e-3) {
    const Eigen::VectorXd importance = tms::geometric_importance<double>(n, 0.9);
    for (std::uint64_t attempt = 0; attempt < 1000; ++attempt) {
        Model model(n, m);
        tms::initialize(model, seed * 1000 + attempt);
        tms::RandomEngine engine(seed * 1000 + attempt, 7);
        for (tms::Index i = 0; i < n; ++i) {
            const double magnitude = 0.1 + 0.4 * engine.uniform<double>();
            model.b()[i] = engine.uniform<double>() < 0.5 ? -magnitude : magnitude;
        }
        const Eigen::MatrixXd x = draw_inputs(model, kind, engine);
        if (kink_distance(model, x) < margin) continue;
        GradientComparison result = compare_gradient(model, x, importance);
        if (result.numeric.norm() == 0.0) continue;  // every output dead: nothing to compare
        return result;
    }
    FAIL("no point away from the ReLU kinks in 1000 attempts");
    return {};
}

}  // namespace tms_test
