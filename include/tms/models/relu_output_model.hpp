#pragma once
/// \file models/relu_output_model.hpp
/// The ReLU output model: h = Wx, x' = ReLU(WᵀWx + b).

#include "../config.hpp"
#include "toy_model_base.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// The ReLU output model: h = Wx, x' = ReLU(WᵀWx + b).
///
/// W is m×n (hidden × features); column W_i is feature i's direction. Tied weights: the decoder is Wᵀ.
/// \tparam Scalar_   float or double
/// \tparam Features_ n, or tms::Dynamic
/// \tparam Hidden_   m, or tms::Dynamic
template <real_scalar Scalar_, int Features_, int Hidden_>
class ReluOutputModel
    : public ToyModelBase<NetworkSpec<Scalar_, Features_, Hidden_, Identity, Relu, true, Target::identity>,
                          ReluOutputModel<Scalar_, Features_, Hidden_>> {
    using Base =
        ToyModelBase<NetworkSpec<Scalar_, Features_, Hidden_, Identity, Relu, true, Target::identity>, ReluOutputModel>;

public:
    /// The model's name in files, JSON and the command line.
    static constexpr const char* kind_name = "relu_output";

    using Base::Base;

    /// W, hidden × features.
    [[nodiscard]] const typename Base::WeightMatrix& W() const noexcept { return this->encoder_; }
    [[nodiscard]] typename Base::WeightMatrix& W() noexcept { return this->encoder_; }
};

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
