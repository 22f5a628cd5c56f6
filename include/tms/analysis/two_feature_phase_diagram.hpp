#pragma once
/// \file analysis/two_feature_phase_diagram.hpp
/// The exact expected losses of the three n = 2, m = 1 solutions and the analytic phase diagram they imply.
///
/// Setting: ReLU output model y = ReLU(WᵀW x + b), W of shape 1 × 2; feature 1 has importance 1, the extra
/// feature 2 importance r; each is present independently with probability s = 1 − S, uniform on [0, 1) when present.
/// A loss here is the expected per-sample sum E Σ_i I_i (y_i − x_i)²; the Trainer's loss (a mean over features too)
/// is half of it.
///
/// - Dropping a feature of importance I (W_i = 0) leaves the constant output ReLU(b_i); the best constant is
///   E x = s/2 and costs I (E x² − (E x)²) = I (s/3 − s²/4).
/// - "ignore extra" (W = (1, 0), b = (0, s/2)) reconstructs feature 1 exactly: r (s/3 − s²/4).
/// - "dedicate to extra" (W = (0, 1), b = (s/2, 0)): s/3 − s²/4.
/// - "antipodal" (W = (1, −1), b = 0): y_1 = ReLU(x_1 − x_2) is exact unless both are present (probability s²);
///   then the error is min(x_1, x_2), and E min² = ∫ t² · 2(1 − t) dt = 1/6. Total (1 + r) s²/6. This is the
///   loss of that point, an upper bound on the best antipodal loss that is tight as s → 0 (the one-feature terms,
///   of order s, pin |W_i| = 1 and b = 0). Away from s → 0 a positive bias and shorter W do better: at r = 1,
///   s = 0.57, W = (0.909, −0.909), b = (0.173, 0.173) costs 0.0932 (Monte Carlo, 2·10⁶ samples, ± 0.0001) against
///   0.1083 here and 0.1088 for a dedicated dimension. So the true antipodal region reaches denser data than the
///   boundary below: numerically optimised antipodal weights (Nelder–Mead over W and b, losses by quadrature) move
///   it from s = 0.160 to about 0.18 at r = 0.1, 0.343 → 0.375 at r = 0.3, 4/7 = 0.571 → 0.70 at r = 1 and
///   0.364 → 0.397 at r = 3. Trained models near the boundary can therefore be antipodal where this diagram says
///   "ignore" or "dedicate".
///
/// Boundaries: ignore and dedicate cross at r = 1. Antipodal beats ignore (r ≤ 1) for s < 4r/(2 + 5r) and beats
/// dedicate (r ≥ 1) for s < 4/(5 + 2r); the boundary is symmetric under r → 1/r and passes s = 4/7 at r = 1.

#include <cmath>

#include "../detail/validate.hpp"
#include "extra_feature_phase.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// Expected per-sample losses E Σ_i I_i (y_i − x_i)² of the three n = 2, m = 1 solutions.
struct TwoFeatureLosses {
    double ignore_extra;
    double dedicate_extra;
    double antipodal;
};

/// I (s/3 − s²/4): the expected loss of a dropped feature of importance \p importance and density \p density, whose
/// output is the best constant s/2.
[[nodiscard]] inline double dropped_feature_loss(double importance, double density) noexcept {
    return importance * (density / 3.0 - density * density / 4.0);
}

namespace detail {
inline void require_phase_point(double extra_importance, double density) {
    require(std::isfinite(extra_importance) && extra_importance > 0.0,
            "extra feature importance r must be finite and positive, got ", extra_importance);
    require(std::isfinite(density) && density > 0.0 && density <= 1.0, "feature density 1 - S must be in (0, 1], got ",
            density);
}
}  // namespace detail

/// The three losses at extra-feature importance \p extra_importance (r) and density \p density (s = 1 − S).
/// \throws std::invalid_argument unless r > 0 and 0 < s ≤ 1.
[[nodiscard]] inline TwoFeatureLosses two_feature_losses(double extra_importance, double density) {
    detail::require_phase_point(extra_importance, density);
    return {dropped_feature_loss(extra_importance, density), dropped_feature_loss(1.0, density),
            (1.0 + extra_importance) * density * density / 6.0};
}

/// The density below which antipodal superposition has the lowest loss: 4r/(2 + 5r) for r ≤ 1, 4/(5 + 2r) above.
[[nodiscard]] inline double antipodal_boundary_density(double extra_importance) {
    detail::require_phase_point(extra_importance, 1.0);
    const double r = extra_importance;
    return r <= 1.0 ? 4.0 * r / (2.0 + 5.0 * r) : 4.0 / (5.0 + 2.0 * r);
}

/// The solution of lowest loss: superposition (antipodal) when strictly lowest, else ignore_extra for r ≤ 1 and
/// dedicate_extra for r > 1 (at r = 1 both cost the same; ignore is reported).
[[nodiscard]] inline ExtraFeaturePhase analytic_two_feature_phase(double extra_importance, double density) {
    const TwoFeatureLosses losses = two_feature_losses(extra_importance, density);
    const bool ignore = extra_importance <= 1.0;
    const double best_dedicated = ignore ? losses.ignore_extra : losses.dedicate_extra;
    if (losses.antipodal < best_dedicated) return ExtraFeaturePhase::superposition;
    return ignore ? ExtraFeaturePhase::ignore_extra : ExtraFeaturePhase::dedicate_extra;
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
