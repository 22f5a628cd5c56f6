#pragma once
/// \file experiments/evaluation.hpp
/// Losses the claims compare against: a trained model's expected loss on the nominal data (exact for the linear
/// model, estimated on fresh samples otherwise) and the analytic optimum without superposition.

#include <cmath>
#include <cstdint>
#include <string>

#include "../fwd.hpp"
#include "../models/abs_value_model.hpp"
#include "../models/linear_model.hpp"
#include "../models/relu_hidden_model.hpp"
#include "../models/relu_output_model.hpp"
#include "../sampling/importance.hpp"
#include "../sampling/random_engine.hpp"
#include "../sampling/sparse_feature_sampler.hpp"
#include "../sweep/run_config.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace experiments {

/// E[x] and Var[x] of a feature present with probability p and uniform on [0, 1) when present.
[[nodiscard]] inline double feature_mean(double p) noexcept { return p / 2.0; }
[[nodiscard]] inline double feature_variance(double p) noexcept { return p / 3.0 - p * p / 4.0; }

/// The loss (mean over features of I_i (x_i − x'_i)², as tms trains) of the best model that represents at most
/// \p m features without superposition: the m most important exactly, every other feature replaced by its mean
/// b_i = p/2, which costs I_i Var[x_i] = I_i (p/3 − p²/4). The linear model's optimum, and the ReLU output
/// model's once superposition is ruled out.
[[nodiscard]] inline double no_superposition_loss(const VectorX<double>& importance, Index m, double p) {
    double total = 0.0;
    for (Index i = m; i < importance.size(); ++i) total += importance[i] * feature_variance(p);
    return total / static_cast<double>(importance.size());
}

/// The exact expected loss of the linear model x' = WᵀWx + b on independent features present with probability p:
/// with A = I − WᵀW the error e = Ax − b has E[e_i] = μ Σ_j A_ij − b_i and Var[e_i] = σ² Σ_j A_ij².
template <class DW, class DB>
[[nodiscard]] double linear_expected_loss(const Eigen::MatrixBase<DW>& W, const Eigen::MatrixBase<DB>& b,
                                          const VectorX<double>& importance, double p) {
    const Eigen::MatrixXd w = W.template cast<double>();
    const Eigen::MatrixXd a = Eigen::MatrixXd::Identity(w.cols(), w.cols()) - w.transpose() * w;
    const Eigen::VectorXd mean_error = feature_mean(p) * a.rowwise().sum() - b.template cast<double>();
    const Eigen::VectorXd variance = feature_variance(p) * a.rowwise().squaredNorm();
    return importance.dot((variance + mean_error.cwiseAbs2()).eval()) / static_cast<double>(w.cols());
}

/// Fresh samples for loss estimates come from this seed's stream 3 (training uses streams 0 and 1).
inline constexpr std::uint64_t evaluation_seed = 0x5eed'e7a1;

namespace detail {

template <class Model>
double estimate_loss_as(const SweepResult& r, double p, const VectorX<double>& importance, Index samples) {
    Model model(r.W.cols(), r.W.rows());
    if constexpr (Model::tied_weights) {
        model.W() = r.W;
    } else {
        model.W1() = r.W;
        model.W2() = r.W2;
    }
    model.b() = r.b;
    const FeatureRange range = Model::absolute_value_task ? FeatureRange::symmetric : FeatureRange::unit;
    const SparseFeatureSampler<float> data(r.W.cols(), p, range);
    RandomEngine engine(evaluation_seed, 3);
    constexpr Index chunk = 4096;
    const Eigen::ArrayXd weight = importance.array();
    double total = 0.0;
    for (Index first = 0; first < samples; first += chunk) {
        const MatrixX<float> x = data.sample(engine, std::min(chunk, samples - first));
        const MatrixX<float> y = model.forward(x);
        Eigen::ArrayXXd target = x.template cast<double>().array();
        if constexpr (Model::absolute_value_task) target = target.abs();
        total += ((target - y.template cast<double>().array()).square().colwise() * weight).sum();
    }
    return total / static_cast<double>(samples * r.W.cols());
}

}  // namespace detail

/// The expected loss of the model in \p r on data of presence probability \p p with \p importance, estimated on
/// \p samples fresh samples (a fixed evaluation stream, so the estimate is reproducible); exact for the linear model.
[[nodiscard]] inline double expected_loss(const SweepResult& r, double p, const VectorX<double>& importance,
                                          Index samples = Index{1} << 17) {
    const std::string& kind = r.config.model;
    if (kind == "linear") return linear_expected_loss(r.W, r.b, importance, p);
    if (kind == "relu_output") return detail::estimate_loss_as<ReluOutputModel<float>>(r, p, importance, samples);
    if (kind == "relu_hidden") return detail::estimate_loss_as<ReluHiddenModel<float>>(r, p, importance, samples);
    return detail::estimate_loss_as<AbsValueModel<float>>(r, p, importance, samples);
}

}  // namespace experiments
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
