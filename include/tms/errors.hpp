#pragma once
/// \file errors.hpp
/// Exceptions tms throws besides std::invalid_argument (which signals an invalid configuration).

#include <stdexcept>
#include <string>

#include "config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// Base of tms's run-time failures that are not caller mistakes.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Training produced a non-finite loss or gradient; the model keeps its last finite weights.
class divergence_error : public error {
public:
    using error::error;
};

/// A file could not be read: truncated, corrupt, wrong dtype or shape.
class format_error : public error {
public:
    using error::error;
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
