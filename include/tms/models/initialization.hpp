#pragma once
/// \file models/initialization.hpp
/// Xavier-normal initialisation, as in the paper's notebook.

#include <cmath>
#include <cstdint>
#include <vector>

#include "../concepts.hpp"
#include "../config.hpp"
#include "../sampling/random_engine.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// Draws every weight from N(0, 2/(n + m)) (Xavier/Glorot normal, fan-in n, fan-out m) and zeroes b.
///
/// The notebook applies torch's xavier_normal_ to a stacked [instances, n, m] tensor, which makes the fan
/// depend on the instance count; this uses the fans of the single m×n matrix, which is what it intends.
/// Draw order: W (or W₁) column by column, then W₂, so a seed gives the same model in any build.
template <toy_model Model>
void initialize(Model& model, RandomEngine& engine) {
    using Scalar = typename Model::Scalar;
    const double stddev = std::sqrt(2.0 / static_cast<double>(model.features() + model.hidden()));
    std::vector<Scalar> flat(static_cast<std::size_t>(model.parameter_count()), Scalar(0));
    const auto bias_offset = static_cast<std::size_t>(model.layout().bias_offset());
    for (std::size_t k = 0; k < bias_offset; ++k) flat[k] = static_cast<Scalar>(stddev * engine.normal());
    model.unpack(flat);
}

/// initialize(model, engine) with the engine for stream 0 of \p seed (training data uses stream 1).
template <toy_model Model>
void initialize(Model& model, std::uint64_t seed) {
    RandomEngine engine(seed, 0);
    initialize(model, engine);
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
