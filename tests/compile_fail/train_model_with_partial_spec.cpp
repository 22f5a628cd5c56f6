// Must not compile: a model whose Spec has scalar, activations and tying but not the sizes, target and matrix types
// the gradient core reads is not a tms::toy_model; the concept names the missing member instead of an error deep
// inside detail.
// expect: M::Spec::features
#include <span>

#include <tms/models/activation.hpp>
#include <tms/optim/trainer.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

struct PartialSpec {
    using Scalar = float;
    using HiddenActivation = tms::Identity;
    using OutputActivation = tms::Relu;
    static constexpr bool tied = true;
};

struct HandMadeModel {
    using Scalar = float;
    using Spec = PartialSpec;
    static constexpr const char* kind_name = "hand_made";
    [[nodiscard]] tms::Index features() const { return 4; }
    [[nodiscard]] tms::Index hidden() const { return 2; }
    [[nodiscard]] tms::Index parameter_count() const { return 12; }
    void pack(std::span<float>) const {}
    void unpack(std::span<const float>) {}
    void check_consistent() const {}
};

int main() {
    HandMadeModel model;
    const tms::SparseFeatureSampler<float> data(4, 0.1);
    tms::train(model, data, tms::VectorX<float>::Ones(4));
}
