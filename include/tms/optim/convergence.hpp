#pragma once
/// \file optim/convergence.hpp
/// Whether a training run had stopped improving: the relative improvement of the loss over its last steps, with
/// its standard error, since batch losses are noisy (at 1−S = 0.001 a batch holds a few dozen nonzeros).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "trainer.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// An improvement below this (2%) counts as converged whatever its significance.
inline constexpr double converged_improvement = 0.02;

/// How much the loss still fell over the last part of a run.
struct LateImprovement {
    /// (L₁ − L₂) / L₂ for the mean recorded losses L₁, L₂ of the first and second halves of the window; NaN if the
    /// window holds fewer than two records per half or L₂ is not positive.
    double relative = std::numeric_limits<double>::quiet_NaN();
    /// The standard error of \ref relative from the spread of the recorded losses in each half.
    double standard_error = std::numeric_limits<double>::quiet_NaN();

    /// Converged unless the loss fell by more than 2% and by more than two standard errors (a real, not a noisy,
    /// improvement); a run too short to tell is not converged.
    [[nodiscard]] bool converged() const noexcept {
        if (std::isnan(relative)) return false;
        return !(relative > converged_improvement && relative > 2.0 * standard_error);
    }
};

/// The late improvement of a run of \p steps steps from its recorded losses, over the last \p fraction of steps.
[[nodiscard]] inline LateImprovement late_improvement(const std::vector<LossRecord>& history, std::int64_t steps,
                                                      double fraction = 0.1) {
    const double window_start = static_cast<double>(steps) * (1.0 - fraction);
    const double middle = static_cast<double>(steps) * (1.0 - fraction / 2.0);
    double sum[2] = {0, 0}, sum_squares[2] = {0, 0};
    double count[2] = {0, 0};
    for (const LossRecord& record : history) {
        const auto step = static_cast<double>(record.step);
        if (step < window_start || !std::isfinite(record.loss)) continue;
        const int half = step < middle ? 0 : 1;
        sum[half] += record.loss;
        sum_squares[half] += record.loss * record.loss;
        count[half] += 1;
    }
    LateImprovement result;
    if (count[0] < 2 || count[1] < 2) return result;
    double mean[2], variance_of_mean[2];
    for (int h = 0; h < 2; ++h) {
        mean[h] = sum[h] / count[h];
        const double variance = std::max(0.0, (sum_squares[h] - count[h] * mean[h] * mean[h]) / (count[h] - 1));
        variance_of_mean[h] = variance / count[h];
    }
    if (!(mean[1] > 0.0)) return result;
    result.relative = (mean[0] - mean[1]) / mean[1];
    result.standard_error = std::sqrt(variance_of_mean[0] + variance_of_mean[1]) / mean[1];
    return result;
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
