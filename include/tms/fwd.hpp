#pragma once
/// \file fwd.hpp
/// Forward declarations, tms::Dynamic and the alias templates (like nlohmann's json_fwd.hpp).

#include <Eigen/Core>

#include "concepts.hpp"
#include "config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

using Index = Eigen::Index;

/// A dimension known only at run time, exactly Eigen's.
inline constexpr int Dynamic = Eigen::Dynamic;

template <real_scalar Scalar_, int Features_ = Dynamic, int Hidden_ = Dynamic>
class LinearModel;
template <real_scalar Scalar_, int Features_ = Dynamic, int Hidden_ = Dynamic>
class ReluOutputModel;
template <real_scalar Scalar_, int Features_ = Dynamic, int Hidden_ = Dynamic>
class ReluHiddenModel;
template <real_scalar Scalar_, int Features_ = Dynamic, int Hidden_ = Dynamic>
class AbsValueModel;

template <real_scalar Scalar_>
class SparseFeatureSampler;
class RandomEngine;

template <real_scalar Scalar_>
class Sgd;
template <real_scalar Scalar_>
class Adam;
template <real_scalar Scalar_>
class AdamW;

/// Column vector of a scalar, sized at run time.
template <class Scalar>
using VectorX = Eigen::Matrix<Scalar, Dynamic, 1>;
/// Matrix of a scalar, sized at run time.
template <class Scalar>
using MatrixX = Eigen::Matrix<Scalar, Dynamic, Dynamic>;

using LinearModelXf = LinearModel<float>;
using LinearModelXd = LinearModel<double>;
using ReluOutputModelXf = ReluOutputModel<float>;
using ReluOutputModelXd = ReluOutputModel<double>;
using ReluHiddenModelXf = ReluHiddenModel<float>;
using ReluHiddenModelXd = ReluHiddenModel<double>;
using AbsValueModelXf = AbsValueModel<float>;
using AbsValueModelXd = AbsValueModel<double>;

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
