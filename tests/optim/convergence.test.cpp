// tms::late_improvement: the relative loss improvement over the last 10% of a run.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <tms/optim/convergence.hpp>

TEST_CASE("a flat tail is converged, a falling tail is not") {
    std::vector<tms::LossRecord> flat, falling;
    for (std::int64_t step = 0; step <= 1000; step += 10) {
        flat.push_back({step, 1.0 + (step % 20 == 0 ? 0.001 : -0.001)});
        falling.push_back({step, 2.0 - 0.001 * static_cast<double>(step)});  // 1.05 at 950, 1.0 at 1000
    }
    CHECK(std::abs(tms::late_improvement(flat, 1000)) < 0.005);
    CHECK(tms::late_improvement(flat, 1000) < tms::converged_improvement);
    // Halves of the window [900, 950) and [950, 1000]: means 1.075 and 1.025.
    CHECK(tms::late_improvement(falling, 1000) == doctest::Approx(0.05 / 1.025).epsilon(0.02));
    CHECK_FALSE(tms::late_improvement(falling, 1000) < tms::converged_improvement);
}

TEST_CASE("too few records, or a zero loss, give NaN (unknown, so not converged)") {
    CHECK(std::isnan(tms::late_improvement({{0, 1.0}, {1000, 0.5}}, 1000)));
    std::vector<tms::LossRecord> zero;
    for (std::int64_t step = 0; step <= 100; ++step) zero.push_back({step, 0.0});
    CHECK(std::isnan(tms::late_improvement(zero, 100)));
}
