#pragma once
/// \file concepts.hpp
/// The concepts that constrain tms's public templates, so misuse fails with a readable sentence.

#include <concepts>
#include <cstdint>
#include <span>

#include <Eigen/Core>

namespace tms {

class RandomEngine;

/// The scalar types the models are built and tested for.
template <class T>
concept real_scalar = std::same_as<T, float> || std::same_as<T, double>;

/// A toy model: a scalar type, run-time sizes, and a flat parameter vector the trainer and optimizers work on.
template <class M>
concept toy_model = requires(M model, const M const_model, std::span<typename M::Scalar> flat,
                             std::span<const typename M::Scalar> const_flat) {
    typename M::Scalar;
    { const_model.features() } -> std::convertible_to<Eigen::Index>;
    { const_model.hidden() } -> std::convertible_to<Eigen::Index>;
    { const_model.parameter_count() } -> std::convertible_to<Eigen::Index>;
    { const_model.pack(flat) };
    { model.unpack(const_flat) };
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

}  // namespace tms
