#pragma once
/// \file analysis/asymmetric_superposition.hpp
/// The paper's "asymmetric superposition with inhibition" motif in an abs-value model (x' = ReLU(W₂ ReLU(W₁x) + b)
/// on x ∈ [-1, 1], target |x|).
///
/// One neuron A stores two features with very different input magnitudes (e.g. W₁ = [2, −½]) and reads them out
/// with reciprocal output weights (W₂ = [½, 2]): the weak feature w barely disturbs the strong feature s, while s
/// heavily interferes with w's output. A second neuron B fires on s with the same sign and writes strongly
/// negatively into w's output, turning that positive interference into harmless negative interference (the
/// output ReLU clips it).

#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../detail/validate.hpp"
#include "../config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// One instance of asymmetric superposition with inhibition.
struct AsymmetricSuperposition {
    Eigen::Index neuron = 0;          ///< A: stores both features
    Eigen::Index strong_feature = 0;  ///< s: the larger input weight into A
    Eigen::Index weak_feature = 0;    ///< w: the smaller input weight into A; s interferes with it
    Eigen::Index inhibitor = 0;       ///< B: fires on s and inhibits w's output
    double input_ratio = 0.0;         ///< |W₁[A,s]| / |W₁[A,w]|
    double output_ratio = 0.0;        ///< W₂[w,A] / W₂[s,A]
    double interference = 0.0;        ///< W₂[w,A]·|W₁[A,s]|: what s adds to w's output through A, per unit of s
    double inhibition = 0.0;          ///< −W₂[w,B]·|W₁[B,s]| / interference: the share of it B cancels
};

/// Thresholds of the motif. The defaults ask for a factor of 2 both ways (the paper's example has 4), gains of
/// at least 0.25 through A for both features (each is computed by A, not noise: Xavier-initialised weights give
/// products near 0.015), and an inhibitor cancelling at least half of the interference.
struct AsymmetricSuperpositionCriteria {
    double min_asymmetry = 2.0;
    double min_gain = 0.25;
    double min_inhibition = 0.5;
};

/// Every instance of the motif in an abs-value model with encoder \p W1 (hidden × features) and decoder \p W2
/// (features × hidden); for each (A, s, w) the inhibitor is the neuron B that cancels the largest share.
///
/// Invariant under the model's rescaling symmetry (row j of W₁ times c > 0, column j of W₂ divided by c): every
/// test is a ratio within one neuron or a product W₂·W₁ through one neuron.
/// \throws std::invalid_argument if the shapes do not chain.
template <class D1, class D2>
[[nodiscard]] std::vector<AsymmetricSuperposition> find_asymmetric_superposition(
    const Eigen::MatrixBase<D1>& W1, const Eigen::MatrixBase<D2>& W2, const AsymmetricSuperpositionCriteria& criteria = {}) {
    detail::require(W2.cols() == W1.rows() && W2.rows() == W1.cols(), "find_asymmetric_superposition: W2 is ",
                    W2.rows(), "x", W2.cols(), " but W1 is ", W1.rows(), "x", W1.cols(),
                    " (W2 must be features x hidden)");
    const Eigen::MatrixXd in = W1.template cast<double>();
    const Eigen::MatrixXd out = W2.template cast<double>();
    const Eigen::Index hidden = in.rows(), features = in.cols();
    std::vector<AsymmetricSuperposition> found;
    for (Eigen::Index a = 0; a < hidden; ++a) {
        for (Eigen::Index s = 0; s < features; ++s) {
            const double strong_in = std::abs(in(a, s));
            // s must be read out through A: a positive gain W₂[s,A]·|W₁[A,s]|.
            if (out(s, a) <= 0.0 || out(s, a) * strong_in < criteria.min_gain) continue;
            for (Eigen::Index w = 0; w < features; ++w) {
                if (w == s) continue;
                const double weak_in = std::abs(in(a, w));
                if (weak_in == 0.0 || strong_in < criteria.min_asymmetry * weak_in) continue;
                if (out(w, a) < criteria.min_asymmetry * out(s, a) || out(w, a) * weak_in < criteria.min_gain) continue;
                const double interference = out(w, a) * strong_in;
                // The inhibitor fires when s has the sign that fires A, and writes negatively into w's output.
                AsymmetricSuperposition best{a, s, w, a, strong_in / weak_in, out(w, a) / out(s, a), interference, 0.0};
                for (Eigen::Index b = 0; b < hidden; ++b) {
                    if (b == a || in(b, s) * in(a, s) <= 0.0 || out(w, b) >= 0.0) continue;
                    const double share = -out(w, b) * std::abs(in(b, s)) / interference;
                    if (share > best.inhibition) {
                        best.inhibition = share;
                        best.inhibitor = b;
                    }
                }
                if (best.inhibition >= criteria.min_inhibition) found.push_back(best);
            }
        }
    }
    return found;
}

/// The motif in an abs-value model (see the matrix overload).
template <toy_model Model>
    requires(!Model::tied_weights)
[[nodiscard]] std::vector<AsymmetricSuperposition> find_asymmetric_superposition(
    const Model& model, const AsymmetricSuperpositionCriteria& criteria = {}) {
    return find_asymmetric_superposition(model.W1(), model.W2(), criteria);
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
