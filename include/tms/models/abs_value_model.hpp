#pragma once
/// \file models/abs_value_model.hpp
/// The absolute-value model: h = ReLU(W₁x), y = ReLU(W₂h + b), trained to output |x| for x in [-1, 1].

#include "../config.hpp"
#include "toy_model_base.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// The absolute-value model: h = ReLU(W₁x), y = ReLU(W₂h + b) with untied W₁ (m×n) and W₂ (n×m).
///
/// Inputs are in [-1, 1] and the target is |x|; untied output weights let the model learn the paper's
/// asymmetric superposition with inhibition. Column i of W₁ is feature i's direction (what the analyses use).
template <real_scalar Scalar_, int Features_, int Hidden_>
class AbsValueModel
    : public ToyModelBase<NetworkSpec<Scalar_, Features_, Hidden_, Relu, Relu, false, Target::absolute>,
                          AbsValueModel<Scalar_, Features_, Hidden_>> {
    using Base =
        ToyModelBase<NetworkSpec<Scalar_, Features_, Hidden_, Relu, Relu, false, Target::absolute>, AbsValueModel>;

public:
    static constexpr const char* kind_name = "abs_value";

    using Base::Base;

    /// W₁, hidden × features: the input weights.
    [[nodiscard]] const typename Base::WeightMatrix& W1() const noexcept { return this->encoder_; }
    [[nodiscard]] typename Base::WeightMatrix& W1() noexcept { return this->encoder_; }
    /// W₂, features × hidden: the output weights.
    [[nodiscard]] const typename Base::DecoderMatrix& W2() const noexcept { return this->decoder_; }
    [[nodiscard]] typename Base::DecoderMatrix& W2() noexcept { return this->decoder_; }
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
