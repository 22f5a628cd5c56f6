#pragma once
/// \file plot/figures.hpp
/// The paper's figures as SVG documents: WᵀW beside b with feature norms, W as a matrix, neuron stack plots, W's
/// columns as 2-D vectors, feature dimensionality against sparsity and over training, and extra-feature phase
/// diagrams. Each has a <title>, axis labels and a colour legend. Inputs are Eigen matrices in the paper's
/// convention (W is m×n, column i is feature i).
///
///     const tms::plot::SvgDocument doc = tms::plot::neuron_stack_figure(W, "relu_hidden, p = 0.1");
///     std::ofstream("stacks.svg") << doc.str();

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../analysis/asymmetric_superposition.hpp"
#include "../analysis/extra_feature_phase.hpp"
#include "../analysis/neurons.hpp"
#include "../analysis/two_feature_phase_diagram.hpp"
#include "../config.hpp"
#include "colormap.hpp"
#include "svg.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace plot {

namespace detail {

/// A short label for a number ("0.5", "-1", "0.001").
[[nodiscard]] inline std::string label(double value) {
    if (!std::isfinite(value)) return "nan";
    return svg_number(std::round(value * 1000.0) / 1000.0);
}

/// A horizontal colour bar of \p width at (x, y) with its ends and title labelled.
template <class ColorFn>
void colorbar(SvgDocument& doc, double x, double y, double width, ColorFn color, double low, double high,
              std::string_view low_label, std::string_view high_label, std::string_view title) {
    constexpr int steps = 40;
    for (int k = 0; k < steps; ++k) {
        const double t = (k + 0.5) / steps;
        doc.rect(x + width * k / steps, y, width / steps + 0.5, 10, color(low + (high - low) * t).hex());
    }
    doc.rect(x, y, width, 10, "none", "#444444", 0.5);
    doc.text(x, y + 22, low_label, 10, Anchor::start);
    doc.text(x + width, y + 22, high_label, 10, Anchor::end);
    doc.text(x + width / 2, y - 4, title, 10, Anchor::middle);
}

/// The legend of feature colours: swatches for up to 10 features, an index ramp beyond.
inline void feature_legend(SvgDocument& doc, double x, double y, std::size_t n) {
    if (n <= 10) {
        doc.text(x, y - 4, "feature colour", 10);
        for (std::size_t i = 0; i < n; ++i) {
            doc.rect(x + 52.0 * static_cast<double>(i), y, 10, 10, feature_color(i, n).hex());
            doc.text(x + 52.0 * static_cast<double>(i) + 13, y + 9, "feature " + std::to_string(i), 9);
        }
        return;
    }
    colorbar(
        doc, x, y, 200, [n](double t) { return feature_color(static_cast<std::size_t>(std::lround(t)), n); }, 0.0,
        static_cast<double>(n - 1), "feature 0 (most important)", "feature " + std::to_string(n - 1),
        "feature colour by index");
}

}  // namespace detail

/// The colour of a feature that is not represented (its superposition is NaN, "not applicable").
inline constexpr std::string_view not_represented_color = "#bdbdbd";

/// WᵀW (n×n) as a heatmap beside the bias b, and the feature norms ‖W_i‖ as bars coloured by superposition
/// Σ_{j≠i}(Ŵ_i·W_j)² (the paper's basic-results figure); a NaN superposition (tms::superposition of a feature that
/// is not represented) is drawn grey and the legend says so.
template <class DW, class DB, class DN, class DS>
[[nodiscard]] SvgDocument weights_and_norms_figure(const Eigen::MatrixBase<DW>& W, const Eigen::MatrixBase<DB>& b,
                                                   const Eigen::MatrixBase<DN>& norms,
                                                   const Eigen::MatrixBase<DS>& superposition, std::string_view title) {
    const Eigen::MatrixXd w = W.template cast<double>();
    const Eigen::MatrixXd g = w.transpose() * w;
    const auto n = static_cast<int>(g.rows());
    const double cell = std::clamp(300.0 / std::max(n, 1), 3.0, 18.0);
    const double x0 = 60, y0 = 50, side = cell * n;
    const double bx = x0 + side + 14, nx = bx + cell + 70, bar_width = 160;
    const double max_norm = std::max(1.0, norms.size() ? static_cast<double>(norms.maxCoeff()) : 1.0);
    SvgDocument doc(nx + bar_width + 40, y0 + side + 110, title);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) doc.rect(x0 + j * cell, y0 + i * cell, cell, cell, diverging(g(i, j)).hex());
        doc.rect(bx, y0 + i * cell, cell, cell, diverging(static_cast<double>(b[i])).hex());
        const double length = bar_width * static_cast<double>(norms[i]) / max_norm;
        const double interference = static_cast<double>(superposition[i]);
        doc.rect(nx, y0 + i * cell + cell * 0.1, std::max(0.0, length), cell * 0.8,
                 std::isnan(interference) ? std::string(not_represented_color)
                                          : superposition_color(interference).hex());
    }
    doc.rect(x0, y0, side, side, "none", "#444444", 0.5);
    doc.rect(bx, y0, cell, side, "none", "#444444", 0.5);
    doc.line(nx, y0, nx, y0 + side, "#444444");
    doc.line(nx + bar_width / max_norm, y0, nx + bar_width / max_norm, y0 + side, "#999999", 0.8, "3,3");
    doc.text(x0 + side / 2, y0 + side + 16, "feature j", 11, Anchor::middle);
    doc.text(x0 - 10, y0 + side / 2, "feature i", 11, Anchor::middle, "normal", -90);
    doc.text(x0 + side / 2, y0 - 6, "W\u1d40W", 11, Anchor::middle);
    doc.text(bx + cell / 2, y0 - 6, "b", 11, Anchor::middle);
    doc.text(nx + bar_width / 2, y0 - 6, "\u2016W\u1d62\u2016 by feature i", 11, Anchor::middle);
    doc.text(nx + bar_width / max_norm, y0 + side + 16, "1", 10, Anchor::middle);
    doc.text(nx, y0 + side + 16, "0", 10, Anchor::middle);
    doc.text(nx + bar_width / 2, y0 + side + 30, "feature norm", 11, Anchor::middle);
    detail::colorbar(doc, x0, y0 + side + 60, 150, diverging, -1.0, 1.0, "-1", "+1", "W\u1d40W and b");
    detail::colorbar(doc, nx, y0 + side + 60, bar_width, superposition_color, 0.0, 1.0, "0", "\u2265 1",
                     "superposition \u03a3\u2c7c\u2260\u1d62(\u0174\u1d62\u00b7W\u2c7c)\u00b2");
    doc.rect(nx, y0 + side + 84, 10, 10, std::string(not_represented_color));
    doc.text(nx + 14, y0 + side + 93, "not represented (\u2016W\u1d62\u2016 \u2264 0.5)", 10);
    return doc;
}

/// W (m×n) as a matrix: rows are hidden neurons, columns features, coloured by W/max|W| on the diverging scale.
template <class DW>
[[nodiscard]] SvgDocument weight_matrix_figure(const Eigen::MatrixBase<DW>& W, std::string_view title) {
    const Eigen::MatrixXd w = W.template cast<double>();
    const auto m = static_cast<int>(w.rows()), n = static_cast<int>(w.cols());
    const double scale = w.size() ? std::max(w.cwiseAbs().maxCoeff(), 1e-12) : 1.0;
    const double cell = std::clamp(360.0 / std::max(n, 1), 4.0, 28.0);
    const double x0 = 60, y0 = 50;
    SvgDocument doc(std::max(x0 + cell * n + 30, 280.0), y0 + cell * m + 100, title);
    for (int j = 0; j < m; ++j)
        for (int i = 0; i < n; ++i) doc.rect(x0 + i * cell, y0 + j * cell, cell, cell, diverging(w(j, i) / scale).hex());
    doc.rect(x0, y0, cell * n, cell * m, "none", "#444444", 0.5);
    doc.text(x0 + cell * n / 2, y0 + cell * m + 16, "feature i", 11, Anchor::middle);
    doc.text(x0 - 10, y0 + cell * m / 2, "neuron j", 11, Anchor::middle, "normal", -90);
    detail::colorbar(doc, x0, y0 + cell * m + 50, 180, diverging, -1.0, 1.0, "-" + detail::label(scale),
                     "+" + detail::label(scale), "W\u2c7c\u1d62");
    return doc;
}

/// Neuron stack plot: one stack per neuron (row of W) in \p order, a rectangle of height |W_ji| per feature coloured
/// by feature, positive weights above the axis and negative below; each neuron labelled mono, poly or dead by
/// tms::classify_neurons with \p criteria (pass the model's: tms::criteria_for<Model>(), and its effective
/// weights, so the labels are the analysis's). An empty \p order means 0..m-1.
template <class DW>
[[nodiscard]] SvgDocument neuron_stack_figure(const Eigen::MatrixBase<DW>& W, std::string_view title,
                                              std::vector<Eigen::Index> order = {},
                                              const NeuronCriteria& criteria = {}) {
    const Eigen::MatrixXd w = W.template cast<double>();
    const auto m = w.rows(), n = w.cols();
    if (order.empty()) {
        order.resize(static_cast<std::size_t>(m));
        std::iota(order.begin(), order.end(), Eigen::Index{0});
    }
    const std::vector<NeuronKind> kinds = classify_neurons(w, criteria);
    double top = 1e-12, bottom = 0.0;
    for (Eigen::Index j = 0; j < m; ++j) {
        top = std::max(top, w.row(j).cwiseMax(0.0).sum());
        bottom = std::max(bottom, -w.row(j).cwiseMin(0.0).sum());
    }
    const double plot_height = 240, unit = plot_height / (top + bottom);
    const double column = std::clamp(640.0 / std::max<double>(static_cast<double>(order.size()), 1.0), 12.0, 40.0);
    const double x0 = 70, y0 = 50, axis = y0 + top * unit;
    const double width = x0 + column * static_cast<double>(order.size()) + 30;
    SvgDocument doc(std::max(width, 620.0), y0 + plot_height + 120, title);
    for (std::size_t k = 0; k < order.size(); ++k) {
        const Eigen::Index j = order[k];
        const double x = x0 + column * static_cast<double>(k);
        double up = axis, down = axis;
        for (Eigen::Index i = 0; i < n; ++i) {
            const double h = std::abs(w(j, i)) * unit;
            if (h < 0.05) continue;
            const std::string color = feature_color(static_cast<std::size_t>(i), static_cast<std::size_t>(n)).hex();
            if (w(j, i) > 0) {
                up -= h;
                doc.rect(x + 2, up, column - 4, h, color, "#ffffff", 0.3);
            } else {
                doc.rect(x + 2, down, column - 4, h, color, "#ffffff", 0.3);
                down += h;
            }
        }
        const NeuronKind kind = kinds[static_cast<std::size_t>(j)];
        const char* name = kind == NeuronKind::monosemantic ? "mono" : kind == NeuronKind::polysemantic ? "poly" : "dead";
        doc.text(x + column / 2, y0 + plot_height + 12, name, 9, Anchor::end, "normal", -90,
                 kind == NeuronKind::polysemantic ? "#b2182b" : "#222222");
    }
    doc.line(x0, axis, x0 + column * static_cast<double>(order.size()), axis, "#444444");
    doc.line(x0, y0, x0, y0 + plot_height, "#444444");
    doc.text(x0 - 4, y0 + 8, "+" + detail::label(top), 9, Anchor::end);
    doc.text(x0 - 4, axis + 3, "0", 9, Anchor::end);
    doc.text(x0 - 4, y0 + plot_height, "-" + detail::label(bottom), 9, Anchor::end);
    doc.text(x0 - 36, y0 + plot_height / 2, "stacked |W\u2c7c\u1d62| (negative below axis)", 11, Anchor::middle,
             "normal", -90);
    doc.text(x0 + column * static_cast<double>(order.size()) / 2, y0 + plot_height + 48, "hidden neuron j", 11,
             Anchor::middle);
    detail::feature_legend(doc, x0, y0 + plot_height + 80, static_cast<std::size_t>(n));
    return doc;
}

/// W's columns (W is 2×n) as vectors from the origin in the hidden plane, coloured by feature.
template <class DW>
[[nodiscard]] SvgDocument vectors_2d_figure(const Eigen::MatrixBase<DW>& W, std::string_view title) {
    const Eigen::MatrixXd w = W.template cast<double>();
    const auto n = w.cols();
    const double half = 120, cx = 60 + half, cy = 50 + half;
    double scale = 1e-12;
    for (Eigen::Index i = 0; i < n; ++i) scale = std::max(scale, w.col(i).norm());
    SvgDocument doc(std::max(2 * half + 100, 60 + 52.0 * static_cast<double>(n) + 20), 2 * half + 130, title);
    doc.line(cx - half, cy, cx + half, cy, "#bbbbbb");
    doc.line(cx, cy - half, cx, cy + half, "#bbbbbb");
    for (Eigen::Index i = 0; i < n; ++i) {
        const std::string color = feature_color(static_cast<std::size_t>(i), static_cast<std::size_t>(n)).hex();
        const double x = cx + w(0, i) / scale * (half - 10), y = cy - (w.rows() > 1 ? w(1, i) : 0.0) / scale * (half - 10);
        doc.line(cx, cy, x, y, color, 2.5);
        doc.circle(x, y, 4, color);
    }
    doc.text(cx + half, cy + 14, "hidden 0", 10, Anchor::end);
    doc.text(cx - 6, cy - half + 8, "hidden 1", 10, Anchor::end, "normal", -90);
    doc.text(cx, cy + half + 16, "axes scaled to max \u2016W\u1d62\u2016 = " + detail::label(scale), 10, Anchor::middle);
    detail::feature_legend(doc, 60, cy + half + 42, static_cast<std::size_t>(n));
    return doc;
}

/// Feature dimensionality D_i against 1/p on a log axis (one dot per represented feature per probability; NaN, a
/// feature not represented, is not drawn), m/‖W‖_F² as a line, and dashed reference lines at the paper's
/// fractions 1, 3/4, 2/3, 1/2, 2/5, 3/8.
[[nodiscard]] inline SvgDocument dimensionality_figure(const std::vector<double>& probabilities,
                                                       const std::vector<std::vector<double>>& dimensionalities,
                                                       const std::vector<double>& dimensions_per_feature,
                                                       std::string_view title) {
    const double x0 = 70, y0 = 50, width = 560, height = 300, y_max = 1.1;
    double log_max = 1.0;
    for (const double p : probabilities) log_max = std::max(log_max, std::log10(1.0 / p));
    const auto px = [&](double p) { return x0 + width * std::log10(1.0 / p) / log_max; };
    const auto py = [&](double d) { return y0 + height * (1.0 - std::clamp(d, 0.0, y_max) / y_max); };
    SvgDocument doc(x0 + width + 110, y0 + height + 100, title);
    const std::pair<double, const char*> references[] = {{1.0, "1"},     {0.75, "3/4"}, {2.0 / 3.0, "2/3"},
                                                         {0.5, "1/2"},   {0.4, "2/5"},  {0.375, "3/8"}};
    for (const auto& [value, name] : references) {
        doc.line(x0, py(value), x0 + width, py(value), "#999999", 0.8, "4,3");
        doc.text(x0 + width + 6, py(value) + 3, name, 9);
    }
    for (std::size_t k = 0; k < probabilities.size() && k < dimensionalities.size(); ++k) {
        const auto& d = dimensionalities[k];
        for (std::size_t i = 0; i < d.size(); ++i) {
            if (std::isnan(d[i])) continue;
            const double jitter = (static_cast<double>(i % 7) - 3.0) * 1.5;
            doc.circle(px(probabilities[k]) + jitter, py(d[i]), 2.5, "#1f77b4aa");
        }
    }
    for (std::size_t k = 0; k + 1 < probabilities.size() && k + 1 < dimensions_per_feature.size(); ++k)
        doc.line(px(probabilities[k]), py(dimensions_per_feature[k]), px(probabilities[k + 1]),
                 py(dimensions_per_feature[k + 1]), "#000000", 1.8);
    doc.line(x0, y0 + height, x0 + width, y0 + height, "#444444");
    doc.line(x0, y0, x0, y0 + height, "#444444");
    for (int e = 0; e <= static_cast<int>(std::ceil(log_max)); ++e) {
        const double x = x0 + width * e / log_max;
        if (x > x0 + width + 1) break;
        doc.line(x, y0 + height, x, y0 + height + 4, "#444444");
        doc.text(x, y0 + height + 16, detail::label(std::pow(10.0, e)), 10, Anchor::middle);
    }
    for (const double d : {0.0, 0.25, 0.5, 0.75, 1.0}) doc.text(x0 - 6, py(d) + 3, detail::label(d), 10, Anchor::end);
    doc.text(x0 + width / 2, y0 + height + 34, "1/p = 1/(1\u2212S) (log scale)", 11, Anchor::middle);
    doc.text(x0 - 40, y0 + height / 2, "dimensionality", 11, Anchor::middle, "normal", -90);
    doc.circle(x0 + 10, y0 + height + 62, 3, "#1f77b4");
    doc.text(x0 + 18, y0 + height + 66, "feature dimensionality D\u1d62", 10);
    doc.line(x0 + 200, y0 + height + 62, x0 + 225, y0 + height + 62, "#000000", 1.8);
    doc.text(x0 + 230, y0 + height + 66, "m / \u2016W\u2016\u00b2_F", 10);
    doc.line(x0 + 330, y0 + height + 62, x0 + 355, y0 + height + 62, "#999999", 0.8, "4,3");
    doc.text(x0 + 360, y0 + height + 66, "reference fractions", 10);
    return doc;
}

/// Learning dynamics: each feature's dimensionality D_i against the training step (one line per feature in its
/// colour, broken where the feature is not represented: NaN) with dashed lines at the energy levels 1, 3/4, 2/3,
/// 1/2, 2/5, 3/8, beside the loss on a log axis. \p dimensionality is snapshots × features; \p loss has one value
/// per snapshot (NaN: none, e.g. at step 0). \p last_step_shown > 0 ends both x axes there (where the dynamics
/// happen early in a long run); 0 shows every step.
[[nodiscard]] inline SvgDocument learning_dynamics_figure(const std::vector<std::int64_t>& steps,
                                                          const Eigen::MatrixXd& dimensionality,
                                                          const std::vector<double>& loss, std::string_view title,
                                                          std::int64_t last_step_shown = 0) {
    const double x0 = 70, y0 = 50, width = 420, height = 280, gap = 110, y_max = 1.1;
    const std::int64_t last = last_step_shown > 0 ? last_step_shown : steps.empty() ? 1 : steps.back();
    const double last_step = std::max<double>(1.0, static_cast<double>(last));
    const auto px = [&](double step, double left) { return left + width * step / last_step; };
    const auto py = [&](double d) { return y0 + height * (1.0 - std::clamp(d, 0.0, y_max) / y_max); };
    const auto n = static_cast<std::size_t>(dimensionality.cols());
    SvgDocument doc(x0 + 2 * width + gap + 60, y0 + height + 110, title);
    const std::pair<double, const char*> references[] = {{1.0, "1"},     {0.75, "3/4"}, {2.0 / 3.0, "2/3"},
                                                         {0.5, "1/2"},   {0.4, "2/5"},  {0.375, "3/8"}};
    for (const auto& [value, name] : references) {
        doc.line(x0, py(value), x0 + width, py(value), "#999999", 0.8, "4,3");
        doc.text(x0 + width + 6, py(value) + 3, name, 9);
    }
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::pair<double, double>> run;  // a stretch where the feature is represented
        const auto flush = [&] {
            doc.polyline(run, feature_color(i, n).hex(), 1.6);
            run.clear();
        };
        for (std::size_t k = 0; k < steps.size() && k < static_cast<std::size_t>(dimensionality.rows()) &&
                                steps[k] <= last;
             ++k) {
            const double d = dimensionality(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(i));
            if (std::isnan(d)) {
                flush();
                continue;
            }
            run.emplace_back(px(static_cast<double>(steps[k]), x0), py(d));
        }
        flush();
    }
    const auto axes = [&](double left, std::string_view y_label) {
        doc.line(left, y0 + height, left + width, y0 + height, "#444444");
        doc.line(left, y0, left, y0 + height, "#444444");
        for (int k = 0; k <= 4; ++k) {
            const double step = last_step * k / 4.0;
            doc.line(px(step, left), y0 + height, px(step, left), y0 + height + 4, "#444444");
            doc.text(px(step, left), y0 + height + 16, detail::label(std::round(step)), 10, Anchor::middle);
        }
        doc.text(left + width / 2, y0 + height + 34, "training step", 11, Anchor::middle);
        doc.text(left - 46, y0 + height / 2, y_label, 11, Anchor::middle, "normal", -90);
    };
    axes(x0, "feature dimensionality D\u1d62");
    for (const double d : {0.0, 0.25, 0.5, 0.75, 1.0}) doc.text(x0 - 6, py(d) + 3, detail::label(d), 10, Anchor::end);
    // The loss on a log axis spanning its finite positive values (whole decades).
    const double right = x0 + width + gap;
    double low = std::numeric_limits<double>::infinity(), high = 0.0;
    for (std::size_t k = 0; k < steps.size() && k < loss.size() && steps[k] <= last; ++k)
        if (std::isfinite(loss[k]) && loss[k] > 0.0) {
            low = std::min(low, loss[k]);
            high = std::max(high, loss[k]);
        }
    axes(right, "mean batch loss (log scale)");
    if (high > 0.0) {
        const double decade_low = std::floor(std::log10(low)), decade_high = std::max(decade_low + 1, std::ceil(std::log10(high)));
        const auto ly = [&](double l) {
            return y0 + height * (1.0 - (std::log10(l) - decade_low) / (decade_high - decade_low));
        };
        std::vector<std::pair<double, double>> curve;
        for (std::size_t k = 0; k < steps.size() && k < loss.size() && steps[k] <= last; ++k)
            if (std::isfinite(loss[k]) && loss[k] > 0.0) curve.emplace_back(px(static_cast<double>(steps[k]), right), ly(loss[k]));
        doc.polyline(curve, "#000000", 1.2);
        for (double e = decade_low; e <= decade_high; ++e)
            doc.text(right - 6, ly(std::pow(10.0, e)) + 3, "1e" + std::to_string(static_cast<int>(e)), 10, Anchor::end);
    }
    detail::feature_legend(doc, x0, y0 + height + 66, n);
    return doc;
}

/// One instance of asymmetric superposition with inhibition, drawn as the excerpt does: the input weights W₁ of
/// the superposing neuron A and the inhibitor B for the strong feature s and the weak feature w, and their output
/// weights W₂ into s and w. Bars are coloured by feature (of \p n); negative weights go below the axis.
[[nodiscard]] inline SvgDocument asymmetric_superposition_figure(const Eigen::MatrixXd& W1, const Eigen::MatrixXd& W2,
                                                                 const AsymmetricSuperposition& motif,
                                                                 std::string_view title) {
    const auto n = static_cast<std::size_t>(W1.cols());
    const Eigen::Index a = motif.neuron, b = motif.inhibitor, s = motif.strong_feature, w = motif.weak_feature;
    // Four bars per panel: (A, s), (A, w), (B, s), (B, w).
    const double in[4] = {W1(a, s), W1(a, w), W1(b, s), W1(b, w)};
    const double out[4] = {W2(s, a), W2(w, a), W2(s, b), W2(w, b)};
    double scale = 1e-12;
    for (int k = 0; k < 4; ++k) scale = std::max({scale, std::abs(in[k]), std::abs(out[k])});
    const double x0 = 60, y0 = 60, half = 90, bar = 26, panel = 4 * bar + 60;
    SvgDocument doc(x0 + 2 * panel + 60, y0 + 2 * half + 110, title);
    const std::string colors[2] = {feature_color(static_cast<std::size_t>(s), n).hex(),
                                   feature_color(static_cast<std::size_t>(w), n).hex()};
    const char* panel_names[2] = {"input weights W\u2081[neuron, feature]", "output weights W\u2082[feature, neuron]"};
    for (int side = 0; side < 2; ++side) {
        const double left = x0 + side * panel;
        const double* values = side == 0 ? in : out;
        doc.line(left, y0 + half, left + 4 * bar + 20, y0 + half, "#444444");
        for (int k = 0; k < 4; ++k) {
            const double h = values[k] / scale * half;
            const double x = left + 10 + k * bar + (k >= 2 ? 10 : 0);
            doc.rect(x, h >= 0 ? y0 + half - h : y0 + half, bar - 4, std::abs(h), colors[k % 2]);
            doc.text(x + (bar - 4) / 2, h >= 0 ? y0 + half - h - 3 : y0 + half - h + 11, detail::label(values[k]), 8,
                     Anchor::middle);
        }
        doc.text(left + 10 + bar, y0 + 2 * half + 16, "A = " + std::to_string(a), 10, Anchor::middle);
        doc.text(left + 20 + 3 * bar, y0 + 2 * half + 16, "B = " + std::to_string(b), 10, Anchor::middle);
        doc.text(left + 2 * bar + 10, y0 - 10, panel_names[side], 10, Anchor::middle);
    }
    doc.rect(x0, y0 + 2 * half + 40, 10, 10, colors[0]);
    doc.text(x0 + 14, y0 + 2 * half + 49, "strong feature s = " + std::to_string(s), 10);
    doc.rect(x0 + 170, y0 + 2 * half + 40, 10, 10, colors[1]);
    doc.text(x0 + 184, y0 + 2 * half + 49, "weak feature w = " + std::to_string(w), 10);
    doc.text(x0, y0 + 2 * half + 70,
             "A stores s and w at input ratio " + detail::label(motif.input_ratio) + ", reads them out at ratio " +
                 detail::label(motif.output_ratio) + "; B cancels " + detail::label(100 * motif.inhibition) +
                 "% of s's interference with w",
             10);
    return doc;
}

/// One panel of phase_diagram_figure: a grid of phases (row-major, density outer, importance inner, as
/// tms::experiments::PhaseDiagram lays out its cells), titled, optionally with the analytic n = 2, m = 1
/// boundaries drawn over it.
struct PhasePanel {
    std::string title;
    std::vector<ExtraFeaturePhase> phases;
    /// Draw tms::antipodal_boundary_density and r = 1 (the exact losses' boundaries for n = 2, m = 1).
    bool analytic_boundaries = false;
};

/// The colour of a phase in phase diagrams.
[[nodiscard]] inline std::string phase_color(ExtraFeaturePhase phase) {
    switch (phase) {
        case ExtraFeaturePhase::ignore_extra: return "#9ecae1";
        case ExtraFeaturePhase::dedicate_extra: return "#fdae6b";
        case ExtraFeaturePhase::superposition: return "#74c476";
        case ExtraFeaturePhase::unclassified: return "#ffffff";
    }
    return "#ffffff";
}

/// Extra-feature phase diagrams side by side, one panel per grid: the extra feature's importance r on a log x axis,
/// the density 1 − S on a log y axis (dense at the top), each cell coloured by its phase. The axes are the grid's
/// own values (log-spaced), each cell centred on its value.
[[nodiscard]] inline SvgDocument phase_diagram_figure(const std::vector<double>& extra_importances,
                                                      const std::vector<double>& densities,
                                                      const std::vector<PhasePanel>& panels, std::string_view title) {
    const double x0 = 70, y0 = 60, side = 240, gap = 70;
    const auto columns = static_cast<double>(extra_importances.size());
    const auto rows = static_cast<double>(densities.size());
    const double cw = side / std::max(columns, 1.0), ch = side / std::max(rows, 1.0);
    SvgDocument doc(x0 + (side + gap) * static_cast<double>(panels.size()) + 20, y0 + side + 110, title);
    const auto log_range = [](const std::vector<double>& v) {
        return v.size() < 2 ? std::pair{std::log10(v.empty() ? 1.0 : v.front()) - 0.5, 1.0}
                            : std::pair{std::log10(v.front()), std::log10(v.back()) - std::log10(v.front())};
    };
    const double r_low = log_range(extra_importances).first, r_span = log_range(extra_importances).second;
    const double s_low = log_range(densities).first, s_span = log_range(densities).second;
    // Cell k is centred on its value: a value's position runs from half a cell in to half a cell from the edge.
    const auto px = [&](double px0, double r) {
        return px0 + cw / 2 + (side - cw) * (std::log10(r) - r_low) / (r_span == 0.0 ? 1.0 : r_span);
    };
    const auto py = [&](double s) {
        return y0 + side - ch / 2 - (side - ch) * (std::log10(s) - s_low) / (s_span == 0.0 ? 1.0 : s_span);
    };
    for (std::size_t k = 0; k < panels.size(); ++k) {
        const PhasePanel& panel = panels[k];
        const double left = x0 + (side + gap) * static_cast<double>(k);
        for (std::size_t i = 0; i < densities.size(); ++i)
            for (std::size_t j = 0; j < extra_importances.size(); ++j) {
                const std::size_t cell = i * extra_importances.size() + j;
                const ExtraFeaturePhase phase =
                    cell < panel.phases.size() ? panel.phases[cell] : ExtraFeaturePhase::unclassified;
                doc.rect(left + cw * static_cast<double>(j), y0 + side - ch * static_cast<double>(i + 1), cw, ch,
                         phase_color(phase), "#ffffff", 0.5);
            }
        if (panel.analytic_boundaries && extra_importances.size() > 1 && densities.size() > 1) {
            const double r_min = extra_importances.front(), r_max = extra_importances.back();
            const double s_min = densities.front(), s_max = densities.back();
            constexpr int segments = 60;
            for (int t = 0; t < segments; ++t) {
                const double ra = r_min * std::pow(r_max / r_min, t / double(segments));
                const double rb = r_min * std::pow(r_max / r_min, (t + 1) / double(segments));
                const double sa = std::clamp(antipodal_boundary_density(ra), s_min, s_max);
                const double sb = std::clamp(antipodal_boundary_density(rb), s_min, s_max);
                doc.line(px(left, ra), py(sa), px(left, rb), py(sb), "#000000", 1.5);
            }
            const double s_one = std::clamp(antipodal_boundary_density(1.0), s_min, s_max);
            doc.line(px(left, 1.0), py(s_one), px(left, 1.0), py(s_max), "#000000", 1.5);
        }
        doc.rect(left, y0, side, side, "none", "#444444", 0.5);
        doc.text(left + side / 2, y0 - 8, panel.title, 11, Anchor::middle, "bold");
        for (std::size_t j = 0; j < extra_importances.size(); j += std::max<std::size_t>(1, extra_importances.size() / 5))
            doc.text(px(left, extra_importances[j]), y0 + side + 14, detail::label(extra_importances[j]), 9,
                     Anchor::middle);
        doc.text(left + side / 2, y0 + side + 30, "extra feature importance r (log)", 10, Anchor::middle);
        for (std::size_t i = 0; i < densities.size(); i += std::max<std::size_t>(1, densities.size() / 5))
            doc.text(left - 4, py(densities[i]) + 3, detail::label(densities[i]), 9, Anchor::end);
        doc.text(left - 40, y0 + side / 2, "density 1\u2212S (log)", 10, Anchor::middle, "normal", -90);
    }
    const std::pair<ExtraFeaturePhase, const char*> legend[] = {
        {ExtraFeaturePhase::ignore_extra, "ignore extra"},
        {ExtraFeaturePhase::dedicate_extra, "dedicate dimension to extra"},
        {ExtraFeaturePhase::superposition, "superposition (extra antipodal to a feature)"},
        {ExtraFeaturePhase::unclassified, "unclassified"}};
    double x = x0;
    for (const auto& [phase, name] : legend) {
        doc.rect(x, y0 + side + 50, 10, 10, phase_color(phase), "#444444", 0.5);
        doc.text(x + 14, y0 + side + 59, name, 10);
        x += 40 + 6.0 * static_cast<double>(std::string_view(name).size());
    }
    doc.line(x0, y0 + side + 80, x0 + 25, y0 + side + 80, "#000000", 1.5);
    doc.text(x0 + 30, y0 + side + 84, "analytic boundaries of the exact n = 2, m = 1 losses", 10);
    return doc;
}

}  // namespace plot
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
