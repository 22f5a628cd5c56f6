#pragma once
/// \file sweep/run_config.hpp
/// tms::run_config: train the model a ModelConfig describes and return its weights and analyses as a SweepResult.
///
///     tms::ModelConfig config;           // relu_output, n = 20, m = 5, p = 0.01, ...
///     config.steps = 2000;
///     const tms::SweepResult result = tms::run_config(config);
///     std::cout << result.final_loss << " " << result.represented << "\n";

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "../analysis/dimensionality.hpp"
#include "../analysis/feature_norms.hpp"
#include "../analysis/neurons.hpp"
#include "../analysis/superposition.hpp"
#include "../config.hpp"
#include "../errors.hpp"
#include "../fwd.hpp"
#include "../models/abs_value_model.hpp"
#include "../models/initialization.hpp"
#include "../models/linear_model.hpp"
#include "../models/relu_hidden_model.hpp"
#include "../models/relu_output_model.hpp"
#include "../optim/convergence.hpp"
#include "../optim/trainer.hpp"
#include "../sampling/correlated_feature_sampler.hpp"
#include "../sampling/sparse_feature_sampler.hpp"
#include "sweep_config.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// A trained config: its weights and the analyses of the paper. Models train in single precision.
struct SweepResult {
    ModelConfig config;
    /// Mean batch loss over the last 100 steps; NaN if training diverged or took no step.
    double final_loss = 0.0;
    std::int64_t steps_completed = 0;
    /// Training hit a non-finite loss; the weights are the last finite ones and \ref error says where.
    bool diverged = false;
    std::string error;
    /// W (m×n), or W₁ for abs_value: column i is feature i's direction.
    MatrixX<float> W;
    /// W₂ (n×m) of abs_value; empty for the tied models.
    MatrixX<float> W2;
    VectorX<float> b;
    /// ‖W_i‖ for each feature.
    VectorX<float> feature_norms;
    /// Σ_{j≠i} (Ŵ_i·W_j)² for each feature.
    VectorX<float> superposition;
    /// Features with ‖W_i‖ > 0.5.
    Index represented = 0;
    /// Dead, monosemantic and polysemantic rows of W (the hidden neurons of relu_hidden and abs_value).
    NeuronCounts neurons;
    /// m / ‖W‖²_F, the paper's dimensions per feature.
    double dimensions_per_feature = 0.0;
    /// Relative loss improvement over the last 10% of the steps (tms::late_improvement); NaN if not measurable.
    double late_improvement = 0.0;
    /// The loss had stopped improving (tms::LateImprovement::converged: not down by more than 2% and two
    /// standard errors over the last 10% of the steps).
    bool converged = false;
    /// Wall time of training and analysis; the one field that differs between identical runs.
    double seconds = 0.0;
};

/// Whether the neurons of \p model are privileged (a ReLU on the hidden layer), so counting them means something.
[[nodiscard]] inline bool has_hidden_neurons(std::string_view model) noexcept {
    return is_model_kind_name(model) && has_hidden_neurons(parse_model_kind(model));
}

namespace detail {

/// \p config's training options with a thousand loss records per run, so the last 10% of the steps tell whether
/// training had converged.
[[nodiscard]] inline TrainOptions recorded_train_options(const ModelConfig& config) {
    TrainOptions options = config.train_options();
    options.log_every = std::max<std::int64_t>(1, config.steps / 1000);
    return options;
}

/// Stores \p model's weights and the paper's analyses of them in \p result.
template <class Model>
void record_weights(const Model& model, SweepResult& result) {
    result.W = model.feature_weights();
    // The analyses below read the effective weights (tms::effective_weights), as every analysis of a model does.
    if constexpr (!Model::tied_weights) result.W2 = model.W2();
    result.b = model.b();
    result.feature_norms = tms::feature_norms(model);
    result.superposition = tms::superposition(model);
    result.represented = represented_features(model);
    result.neurons = count_neurons(model);
    result.dimensions_per_feature = tms::dimensions_per_feature(model);
}

/// The sampler \p config describes for \p Model, passed to \p use: independent features, or its feature sets.
template <class Model, class Use>
decltype(auto) with_config_sampler(const ModelConfig& config, Use&& use) {
    const FeatureRange range = Model::absolute_value_task ? FeatureRange::symmetric : FeatureRange::unit;
    if (config.feature_sets.empty())
        return use(SparseFeatureSampler<float>(config.probability_vector(), range));
    return use(CorrelatedFeatureSampler<float>(config.feature_sets, config.independent_probability_vector(), range));
}

/// One seed's training from its config: its model, data and Trainer, trained in one go (run_config) or in
/// stages with a cut between them (pruned_best_of). Not copyable or movable: the Trainer refers to the members.
template <class Model, class Sampler>
struct SeedRun {
    SeedRun(const ModelConfig& config_, Sampler data_)
        : config(config_), model(config.features, config.hidden), data(std::move(data_)),
          importance(config.importance_vector().template cast<float>()),
          trainer(initialized(model, config.seed), data, importance, recorded_train_options(config)) {}

    SeedRun(const SeedRun&) = delete;
    SeedRun& operator=(const SeedRun&) = delete;

    /// Trains to step \p to (or records the divergence that stops it).
    void advance(std::int64_t to) {
        if (diverged || trainer.step() >= to) return;
        const auto start = std::chrono::steady_clock::now();
        try {
            TrainReport report = trainer.run_for(to - trainer.step());
            history.insert(history.end(), report.loss_history.begin(), report.loss_history.end());
            last_loss = report.final_loss;
        } catch (const divergence_error& e) {
            diverged = true;
            error = e.what();
            last_loss = std::numeric_limits<double>::quiet_NaN();
        }
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }

    /// The seed's result at its current step: outcome, convergence, weights and analyses; seconds counts its
    /// training and this analysis.
    [[nodiscard]] SweepResult result() const {
        const auto start = std::chrono::steady_clock::now();
        SweepResult r;
        r.config = config;
        r.final_loss = last_loss;
        r.steps_completed = trainer.step();  // after a divergence: the steps before the failing one
        r.diverged = diverged;
        r.error = error;
        if (!diverged) {
            const LateImprovement late = late_improvement(history, config.steps);
            r.late_improvement = late.relative;
            r.converged = late.converged();
        }
        record_weights(trainer.model(), r);
        r.seconds = seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return r;
    }

    static Model& initialized(Model& m, std::uint64_t seed) {
        initialize(m, seed);
        return m;
    }

    ModelConfig config;
    Model model;
    Sampler data;
    VectorX<float> importance;
    Trainer<Model, Sampler> trainer;
    std::vector<LossRecord> history;
    double last_loss = std::numeric_limits<double>::quiet_NaN();
    bool diverged = false;
    std::string error;
    double seconds = 0.0;
};

template <class Model, class Sampler>
SweepResult run_config_on(const ModelConfig& config, const Sampler& data) {
    SeedRun<Model, Sampler> run(config, data);
    run.advance(config.steps);
    return run.result();
}

/// Trains \p config on the sampler it describes: independent features, or its feature sets.
template <class Model>
SweepResult run_config_as(const ModelConfig& config) {
    return with_config_sampler<Model>(config, [&](const auto& data) { return run_config_on<Model>(config, data); });
}

}  // namespace detail

/// Trains the model \p config describes from its seed and analyses it.
///
/// Deterministic: the same config gives bitwise the same weights on the same build, whichever thread or process
/// runs it. A divergence is recorded in the result (diverged, error, NaN loss), not thrown, since re-running the
/// config would diverge again.
/// \throws std::invalid_argument if \p config is invalid (see validate(const ModelConfig&)).
[[nodiscard]] inline SweepResult run_config(const ModelConfig& config) {
    validate(config);
    return with_model_type<float>(parse_model_kind(config.model), [&]<class Model>(std::type_identity<Model>) {
        return detail::run_config_as<Model>(config);
    });
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
