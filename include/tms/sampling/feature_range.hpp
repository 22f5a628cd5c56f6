#pragma once
/// \file sampling/feature_range.hpp
/// tms::FeatureRange: the interval a present feature's value is drawn from. The analyses need it too: on [0, 1) only
/// a positive weight can make a ReLU neuron fire, on [-1, 1) either sign can.

#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// The interval a present feature's value is drawn from.
enum class FeatureRange {
    unit,       ///< [0, 1): the reconstruction tasks
    symmetric,  ///< [-1, 1): the absolute-value task
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
