#pragma once
/// \file models/activation.hpp
/// The activation tags of the models' layers, the policies the gradient core and the SIMD kernels are
/// instantiated with (e.g. tms::simd::output_gradient<tms::Relu>).

#include <Eigen/Core>

#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// f(x) = x. The linear model's output and the tied models' hidden layer without a nonlinearity.
struct Identity {
    static constexpr bool is_identity = true;
    template <class T>
    static T value(T x) noexcept {
        return x;
    }
    template <class T>
    static T derivative(T) noexcept {
        return T(1);
    }
    /// Applies in place to an Eigen expression (a no-op).
    template <class Derived>
    static void apply(Eigen::DenseBase<Derived>&) noexcept {}
    /// Multiplies \p delta by f'(pre) (a no-op).
    template <class Delta, class Pre>
    static void chain(Eigen::DenseBase<Delta>&, const Eigen::DenseBase<Pre>&) noexcept {}
};

/// f(x) = max(x, 0) with f'(0) = 0, as PyTorch defines it.
struct Relu {
    static constexpr bool is_identity = false;
    template <class T>
    static T value(T x) noexcept {
        return x > T(0) ? x : T(0);
    }
    template <class T>
    static T derivative(T x) noexcept {
        return x > T(0) ? T(1) : T(0);
    }
    template <class Derived>
    static void apply(Eigen::DenseBase<Derived>& x) noexcept {
        x.derived() = x.derived().cwiseMax(typename Derived::Scalar(0));
    }
    template <class Delta, class Pre>
    static void chain(Eigen::DenseBase<Delta>& delta, const Eigen::DenseBase<Pre>& pre) noexcept {
        using Scalar = typename Delta::Scalar;
        delta.derived() = (pre.derived().array() > Scalar(0)).select(delta.derived(), Scalar(0));
    }
};

namespace detail {
using tms::Identity;  // where they lived before they became public
using tms::Relu;
}  // namespace detail

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
