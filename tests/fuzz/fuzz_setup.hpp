#pragma once
// The trainers the fuzz targets load checkpoints into, and the valid files the seed corpus starts from
// (make_seed_corpus.cpp writes them; fuzz_checkpoint.cpp loads into the same configuration, so mutations of the
// seeds reach the checks against the trainer).
#include <memory>

#include <tms/core.hpp>

namespace tms_fuzz {

inline tms::TrainOptions checkpoint_options() {
    tms::TrainOptions options;
    options.steps = 8;
    options.batch_size = 16;
    options.seed = 3;
    return options;
}

template <class Scalar>
struct CheckpointSetup {
    tms::ReluOutputModel<Scalar> model{5, 2};
    tms::SparseFeatureSampler<Scalar> data{5, 0.3};
    tms::VectorX<Scalar> importance = tms::geometric_importance<Scalar>(5, 0.9);
    std::unique_ptr<tms::Trainer<tms::ReluOutputModel<Scalar>, tms::SparseFeatureSampler<Scalar>>> trainer;

    static CheckpointSetup& get() {
        static CheckpointSetup setup;
        return setup;
    }
    /// A trainer at step 0 with freshly initialised weights.
    auto& fresh_trainer() {
        tms::initialize(model, 1);
        trainer = std::make_unique<tms::Trainer<tms::ReluOutputModel<Scalar>, tms::SparseFeatureSampler<Scalar>>>(
            model, data, importance, checkpoint_options());
        return *trainer;
    }
};

}  // namespace tms_fuzz
