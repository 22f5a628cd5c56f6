#pragma once
/// \file analysis/effective_weights.hpp
/// The hidden × features matrix every analysis of a model reads: W for the tied models, and for the untied
/// abs-value model W₁ with neuron j's row scaled by ‖W₂_{:,j}‖, its read-out strength.
///
/// The untied model has a rescaling symmetry: row j of W₁ times c > 0 and column j of W₂ divided by c compute the
/// same function (ReLU is positively homogeneous). An analysis of W₁ alone would change under it; the effective
/// weights W₁_ji·‖W₂_{:,j}‖ do not, so "represented", neuron kinds and the rest describe the function, not the
/// parametrisation.

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../detail/validate.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// W₁ (hidden × features) with row j scaled by ‖W₂_{:,j}‖ (W₂ is features × hidden).
/// \throws std::invalid_argument if the shapes do not chain (W₂ must have as many columns as W₁ has rows).
template <class D1, class D2>
[[nodiscard]] Eigen::Matrix<typename D1::Scalar, D1::RowsAtCompileTime, D1::ColsAtCompileTime> effective_weights(
    const Eigen::MatrixBase<D1>& encoder, const Eigen::MatrixBase<D2>& decoder) {
    detail::require(decoder.cols() == encoder.rows() && decoder.rows() == encoder.cols(), "effective_weights: W2 is ",
                    decoder.rows(), "x", decoder.cols(), " but W1 is ", encoder.rows(), "x", encoder.cols(),
                    " (W2 must be features x hidden)");
    using Scalar = typename D1::Scalar;
    const auto readout = decoder.template cast<Scalar>().colwise().norm();
    return readout.transpose().asDiagonal() * encoder;
}

/// The weights the analyses of \p model read: W (tied models) or W₁ scaled by W₂'s column norms (abs value).
template <toy_model Model>
[[nodiscard]] auto effective_weights(const Model& model) {
    if constexpr (Model::tied_weights) {
        return typename Model::WeightMatrix(model.feature_weights());
    } else {
        return typename Model::WeightMatrix(effective_weights(model.W1(), model.W2()));
    }
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
