// tms::late_improvement: the relative loss improvement over the last 10% of a run, and whether it is real.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <tms/optim/convergence.hpp>

TEST_CASE("a flat tail is converged, a steadily falling tail is not") {
    std::vector<tms::LossRecord> flat, falling;
    for (std::int64_t step = 0; step <= 1000; step += 10) {
        flat.push_back({step, 1.0 + (step % 20 == 0 ? 0.001 : -0.001)});
        falling.push_back({step, 2.0 - 0.001 * static_cast<double>(step)});  // 1.05 at 950, 1.0 at 1000
    }
    CHECK(std::abs(tms::late_improvement(flat, 1000).relative) < 0.005);
    CHECK(tms::late_improvement(flat, 1000).converged());
    // Halves of the window [900, 950) and [950, 1000]: means 1.075 and 1.025.
    const tms::LateImprovement late = tms::late_improvement(falling, 1000);
    CHECK(late.relative == doctest::Approx(0.05 / 1.025).epsilon(0.02));
    CHECK(late.standard_error < late.relative / 2);  // the fall is more than two standard errors: real
    CHECK_FALSE(late.converged());
}

TEST_CASE("a noisy tail whose halves differ by less than two standard errors is converged") {
    // Alternating 0.5 and 1.5 with a 3% drop between the halves: the drop is well inside the noise.
    std::vector<tms::LossRecord> noisy;
    for (std::int64_t step = 900; step <= 1000; ++step)
        noisy.push_back({step, (step % 2 ? 0.5 : 1.5) * (step < 950 ? 1.03 : 1.0)});
    const tms::LateImprovement late = tms::late_improvement(noisy, 1000);
    CHECK(late.relative > tms::converged_improvement);
    CHECK(late.relative < 2 * late.standard_error);
    CHECK(late.converged());
}

TEST_CASE("too few records, or a zero loss, give NaN: unknown, so not converged") {
    CHECK(std::isnan(tms::late_improvement({{0, 1.0}, {1000, 0.5}}, 1000).relative));
    CHECK_FALSE(tms::late_improvement({{0, 1.0}, {1000, 0.5}}, 1000).converged());
    std::vector<tms::LossRecord> zero;
    for (std::int64_t step = 0; step <= 100; ++step) zero.push_back({step, 0.0});
    CHECK(std::isnan(tms::late_improvement(zero, 100).relative));
}
