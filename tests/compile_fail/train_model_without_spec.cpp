// Must not compile: a model type with sizes, pack/unpack and a name but no Spec (the NetworkSpec the gradient core is
// built from) is not a tms::toy_model; the concept says so instead of an error deep inside the trainer.
// expect: typename M::Spec
#include <span>

#include <tms/optim/trainer.hpp>
#include <tms/sampling/sparse_feature_sampler.hpp>

struct HandMadeModel {
    using Scalar = float;
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
