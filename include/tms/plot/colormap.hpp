#pragma once
/// \file plot/colormap.hpp
/// Colour scales of the paper's figures: a red-white-blue diverging map for weights in [-1, 1], the superposition
/// scale from dark blue (0, no interference) to yellow (1 or more), and a categorical palette for features.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace plot {

/// An sRGB colour.
struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;

    /// "#rrggbb".
    [[nodiscard]] std::string hex() const {
        static constexpr char digits[] = "0123456789abcdef";
        std::string out = "#";
        for (const std::uint8_t c : {r, g, b}) {
            out += digits[c >> 4];
            out += digits[c & 0xF];
        }
        return out;
    }
    friend bool operator==(const Rgb&, const Rgb&) = default;
};

namespace detail {

[[nodiscard]] inline Rgb mix(Rgb a, Rgb b, double t) {
    const auto channel = [t](std::uint8_t x, std::uint8_t y) {
        return static_cast<std::uint8_t>(std::lround(x + (static_cast<double>(y) - x) * t));
    };
    return {channel(a.r, b.r), channel(a.g, b.g), channel(a.b, b.b)};
}

/// Piecewise-linear interpolation through evenly spaced \p stops at t in [0, 1] (clamped; NaN reads as 0).
template <std::size_t N>
[[nodiscard]] Rgb interpolate(const std::array<Rgb, N>& stops, double t) {
    if (!(t > 0.0)) return stops.front();
    if (t >= 1.0) return stops.back();
    const double position = t * static_cast<double>(N - 1);
    const auto k = static_cast<std::size_t>(position);
    return mix(stops[k], stops[k + 1], position - static_cast<double>(k));
}

}  // namespace detail

/// Weights: -1 red, 0 white, +1 blue (the paper's WᵀW colours), clamped outside [-1, 1].
[[nodiscard]] inline Rgb diverging(double value) {
    static constexpr std::array<Rgb, 5> stops = {Rgb{178, 24, 43}, Rgb{239, 138, 98}, Rgb{255, 255, 255},
                                                 Rgb{103, 169, 207}, Rgb{33, 102, 172}};
    return detail::interpolate(stops, (std::clamp(std::isnan(value) ? 0.0 : value, -1.0, 1.0) + 1.0) / 2.0);
}

/// Superposition Σ_{j≠i}(Ŵ_i·W_j)²: 0 dark blue (the feature has a dimension to itself), 1 and above yellow.
[[nodiscard]] inline Rgb superposition_color(double value) {
    static constexpr std::array<Rgb, 4> stops = {Rgb{20, 25, 90}, Rgb{50, 100, 170}, Rgb{120, 190, 130},
                                                 Rgb{245, 225, 80}};
    return detail::interpolate(stops, value);
}

/// A sequential ramp for t in [0, 1] (purple → teal → yellow), used for feature index when there are many features.
[[nodiscard]] inline Rgb sequential(double t) {
    static constexpr std::array<Rgb, 4> stops = {Rgb{80, 20, 120}, Rgb{40, 110, 160}, Rgb{60, 180, 120},
                                                 Rgb{235, 210, 50}};
    return detail::interpolate(stops, t);
}

/// The i-th colour of a 10-colour categorical palette (cycled).
[[nodiscard]] inline Rgb categorical(std::size_t i) {
    static constexpr std::array<Rgb, 10> palette = {Rgb{31, 119, 180}, Rgb{255, 127, 14}, Rgb{44, 160, 44},
                                                    Rgb{214, 39, 40},  Rgb{148, 103, 189}, Rgb{140, 86, 75},
                                                    Rgb{227, 119, 194}, Rgb{127, 127, 127}, Rgb{188, 189, 34},
                                                    Rgb{23, 190, 207}};
    return palette[i % palette.size()];
}

/// Feature \p i of \p n: categorical for up to 10 features, the sequential ramp by index beyond.
[[nodiscard]] inline Rgb feature_color(std::size_t i, std::size_t n) {
    if (n <= 10) return categorical(i);
    return sequential(n > 1 ? static_cast<double>(i) / static_cast<double>(n - 1) : 0.0);
}

}  // namespace plot
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
