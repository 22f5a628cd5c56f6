#pragma once
/// \file detail/aligned_vector.hpp
/// A std::vector aligned like Eigen's own heap blocks.

#include <vector>

#include <Eigen/Core>

#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace detail {

/// Flat parameter and gradient buffers. Eigen peels unaligned leading elements off vectorised loops and
/// reductions, so the rounding of a Map over a buffer depends on the buffer's address; allocating every buffer on
/// Eigen's maximal alignment makes results independent of where the heap puts it (1 or N threads, any run).
template <class T>
using aligned_vector = std::vector<T, Eigen::aligned_allocator<T>>;

}  // namespace detail
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
