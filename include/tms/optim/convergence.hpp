#pragma once
/// \file optim/convergence.hpp
/// Whether a training run had stopped improving: the relative improvement of the loss over its last steps.

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "trainer.hpp"

namespace tms {

/// A run counts as converged when its late improvement (tms::late_improvement) is below this: the loss fell by
/// less than 2% from the first to the second half of the last 10% of the steps.
inline constexpr double converged_improvement = 0.02;

/// The relative improvement of the loss over the last \p fraction of a run's steps: (L₁ − L₂) / L₂, where L₁ and
/// L₂ are the mean recorded losses in the first and second halves of that window. Near 0 (or negative, noise) when
/// training had stopped improving; NaN when the window holds fewer than 4 records or L₂ is not positive.
[[nodiscard]] inline double late_improvement(const std::vector<LossRecord>& history, std::int64_t steps,
                                             double fraction = 0.1) {
    const double window_start = static_cast<double>(steps) * (1.0 - fraction);
    const double middle = static_cast<double>(steps) * (1.0 - fraction / 2.0);
    double first = 0.0, second = 0.0;
    std::int64_t first_count = 0, second_count = 0;
    for (const LossRecord& record : history) {
        const auto step = static_cast<double>(record.step);
        if (step < window_start || !std::isfinite(record.loss)) continue;
        if (step < middle) {
            first += record.loss;
            ++first_count;
        } else {
            second += record.loss;
            ++second_count;
        }
    }
    if (first_count < 2 || second_count < 2) return std::numeric_limits<double>::quiet_NaN();
    first /= static_cast<double>(first_count);
    second /= static_cast<double>(second_count);
    if (!(second > 0.0)) return std::numeric_limits<double>::quiet_NaN();
    return (first - second) / second;
}

}  // namespace tms
