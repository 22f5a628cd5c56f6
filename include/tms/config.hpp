#pragma once
/// \file config.hpp
/// Version numbers and the overridable assertion macro.

#include <cassert>

#define TMS_VERSION_MAJOR 0
#define TMS_VERSION_MINOR 1
#define TMS_VERSION_PATCH 0

/// Internal invariant check; define TMS_ASSERT before including tms to route it elsewhere (like eigen_assert).
#ifndef TMS_ASSERT
#define TMS_ASSERT(condition) assert(condition)
#endif

namespace tms {
/// The library version as "major.minor.patch".
inline constexpr const char* version_string = "0.1.0";
}  // namespace tms
