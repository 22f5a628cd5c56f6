#pragma once
/// \file concepts.hpp
/// The concepts that constrain tms's public templates, so misuse fails with a readable sentence.

#include <concepts>
#include <cstdint>
#include <span>

#include <Eigen/Core>

#include "config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

class RandomEngine;

/// The scalar types the models are built and tested for.
template <class T>
concept real_scalar = std::same_as<T, float> || std::same_as<T, double>;

/// A toy model, with everything tms::train and tms::Trainer use: a scalar type, run-time sizes, a flat parameter
/// vector the trainer and optimizers work on, a consistency check, a name for messages, and `Spec`, the
/// tms::NetworkSpec (activations, tying, target) the gradient core is built from. Deriving from tms::ToyModelBase
/// provides all of it but the name.
template <class M>
concept toy_model = requires(M model, const M const_model, std::span<typename M::Scalar> flat,
                             std::span<const typename M::Scalar> const_flat) {
    typename M::Scalar;
    typename M::Spec;
    requires std::same_as<typename M::Spec::Scalar, typename M::Scalar>;
    typename M::Spec::HiddenActivation;
    typename M::Spec::OutputActivation;
    { M::Spec::tied } -> std::convertible_to<bool>;
    // The rest of tms::NetworkSpec that the gradient core reads: compile-time sizes, target and matrix types.
    { M::Spec::features } -> std::convertible_to<int>;
    { M::Spec::hidden } -> std::convertible_to<int>;
    M::Spec::target;
    typename M::Spec::Encoder;
    typename M::Spec::Decoder;
    typename M::Spec::Bias;
    typename M::Spec::Batch;
    { const_model.features() } -> std::convertible_to<Eigen::Index>;
    { const_model.hidden() } -> std::convertible_to<Eigen::Index>;
    { const_model.parameter_count() } -> std::convertible_to<Eigen::Index>;
    { const_model.pack(flat) };
    { model.unpack(const_flat) };
    { const_model.check_consistent() };
    { M::kind_name } -> std::convertible_to<const char*>;
};

/// A first-order optimizer over a flat parameter vector (PyTorch-style `step`).
template <class O>
concept optimizer = requires(O opt, std::span<typename O::Scalar> params,
                             std::span<const typename O::Scalar> gradient, double learning_rate) {
    typename O::Scalar;
    { opt.step(params, gradient, learning_rate) };
    { opt.step_count() } -> std::convertible_to<std::int64_t>;
};

/// A source of training batches: fills a features × batch matrix from a random engine.
template <class S>
concept feature_sampler =
    requires(const S sampler, RandomEngine& engine,
             Eigen::Matrix<typename S::Scalar, Eigen::Dynamic, Eigen::Dynamic>& batch) {
        typename S::Scalar;
        { sampler.features() } -> std::convertible_to<Eigen::Index>;
        { sampler.sample(engine, batch) };
    };

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
