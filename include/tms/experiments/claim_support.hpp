#pragma once
/// \file experiments/claim_support.hpp
/// Small pieces the experiments' predicates share: formatting measured values, the features a model represents,
/// cosines between feature directions, and whether the models a claim reads had converged.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "../analysis/feature_norms.hpp"
#include "../fwd.hpp"
#include "../sweep/run_config.hpp"
#include "experiment.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {
namespace experiments::detail {

/// A number with \p digits significant digits ("0.0123", "12.3").
[[nodiscard]] inline std::string format(double value, int digits = 3) {
    if (std::isnan(value)) return "nan";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    return buffer;
}

/// "a, b, c".
template <class T>
[[nodiscard]] std::string join(const std::vector<T>& values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ", ";
        if constexpr (std::is_floating_point_v<T>) out += format(static_cast<double>(values[i]));
        else out += std::to_string(values[i]);
    }
    return out;
}

/// The features with ‖W_i‖ > 0.5 of the effective weights of \p r, in increasing order.
[[nodiscard]] inline std::vector<Index> represented_set(const SweepResult& r) {
    std::vector<Index> features;
    for (Index i = 0; i < r.feature_norms.size(); ++i)
        if (static_cast<double>(r.feature_norms[i]) > represented_threshold) features.push_back(i);
    return features;
}

/// {0, 1, …, k − 1}.
[[nodiscard]] inline std::vector<Index> first_features(Index k) {
    std::vector<Index> features(static_cast<std::size_t>(k));
    for (Index i = 0; i < k; ++i) features[static_cast<std::size_t>(i)] = i;
    return features;
}

/// "{0, 1, 2}".
[[nodiscard]] inline std::string set_text(const std::vector<Index>& features) { return "{" + join(features) + "}"; }

/// max |(WᵀW)_ij − δ_ij| over i, j in \p features: 0 when those features are orthonormal.
[[nodiscard]] inline double identity_error(const MatrixX<float>& W, const std::vector<Index>& features) {
    double error = 0.0;
    for (const Index i : features)
        for (const Index j : features) {
            const double g = static_cast<double>(W.col(i).dot(W.col(j)));
            error = std::max(error, std::abs(g - (i == j ? 1.0 : 0.0)));
        }
    return features.empty() ? std::numeric_limits<double>::infinity() : error;
}

/// Ŵ_i · Ŵ_j, the cosine between two feature directions.
[[nodiscard]] inline double cosine(const MatrixX<float>& W, Index i, Index j) {
    const double ni = static_cast<double>(W.col(i).norm()), nj = static_cast<double>(W.col(j).norm());
    if (ni == 0.0 || nj == 0.0) return 0.0;
    return static_cast<double>(W.col(i).dot(W.col(j))) / (ni * nj);
}

/// Whether every point's model had converged.
[[nodiscard]] inline bool all_converged(const std::vector<const Point*>& points) {
    return std::all_of(points.begin(), points.end(), [](const Point* p) { return p->model.converged; });
}

/// A claim with its convergence taken from the points it reads.
[[nodiscard]] inline Claim make_claim(std::string id, std::string text, std::string measured, bool holds,
                                      const std::vector<const Point*>& reads) {
    return {std::move(id), std::move(text), std::move(measured), holds, all_converged(reads)};
}

/// Pointers to every point of \p points.
[[nodiscard]] inline std::vector<const Point*> all_of(const std::vector<Point>& points) {
    std::vector<const Point*> out;
    for (const Point& p : points) out.push_back(&p);
    return out;
}

}  // namespace experiments::detail
}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
