// tms/plot/figures.hpp: the learning-dynamics figure (one line per represented stretch of a feature, the loss on
// its own axis, the x range cut where asked). The other figures are checked end to end by reproduce.quick.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <tms/plot/figures.hpp>

namespace {
std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}
}  // namespace

TEST_CASE("learning_dynamics_figure: a line per represented stretch of each feature, and the loss curve") {
    const std::vector<std::int64_t> steps = {0, 10, 20, 30, 40};
    Eigen::MatrixXd d(5, 2);
    d << 0.5, 0.3,  //
        0.5, std::nan(""),  // feature 1 not represented at steps 10 and 20: its line breaks
        0.45, std::nan(""),  //
        0.4, 0.4,  //
        0.4, 0.4;
    const std::vector<double> loss = {std::nan(""), 0.01, 0.005, 0.002, 0.002};
    const std::string svg = tms::plot::learning_dynamics_figure(steps, d, loss, "dynamics <test>").str();
    CHECK(svg.find("<title>dynamics &lt;test&gt;</title>") != std::string::npos);
    // Feature 0: one line; feature 1: one point before the gap (nothing drawn) and one line after; the loss: one.
    CHECK(count(svg, "<polyline") == 3);
    CHECK(svg.find("training step") != std::string::npos);
    CHECK(svg.find("1e-3") != std::string::npos);  // the loss axis spans whole decades around 0.002–0.01
    CHECK(svg.find("1e-2") != std::string::npos);
    // Cut at step 20: every curve ends there, so feature 1 has no line left (a single point before its gap).
    const std::string cut = tms::plot::learning_dynamics_figure(steps, d, loss, "cut", 20).str();
    CHECK(count(cut, "<polyline") == 2);
}
