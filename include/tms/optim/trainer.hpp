#pragma once
/// \file optim/trainer.hpp
/// tms::train and tms::Trainer: minibatch training of one model with hand-derived gradients.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <Eigen/Core>

#include "../concepts.hpp"
#include "../config.hpp"
#include "../detail/aligned_vector.hpp"
#include "../detail/gradient_core.hpp"
#include "../detail/validate.hpp"
#include "../errors.hpp"
#include "../sampling/importance.hpp"
#include "../sampling/random_engine.hpp"
#include "../sampling/sparse_batch.hpp"
#include "adam.hpp"
#include "schedule.hpp"
#include "sgd.hpp"

namespace tms {
inline namespace TMS_ARCH_NAMESPACE {

/// Which optimizer to train with and its hyper-parameters (the learning rate is in TrainOptions).
using OptimizerOptions = std::variant<AdamWOptions, AdamOptions, SgdOptions>;

/// How the gradient core processes a batch tile. Every path sees the same data (one canonical sparse draw per
/// tile) and computes the same gradient up to rounding; only the speed differs.
enum class TilePath {
    automatic,      ///< the cost model's choice for the data's density and the model's sizes
    sparse,         ///< compressed samples: work in proportion to the nonzeros
    dense,          ///< a dense features × samples tile through matrix products
    feature_major,  ///< SIMD lanes over samples, for models with at most 8 hidden neurons
};

/// How to train: the notebook's defaults (AdamW, lr 1e-3, batch 1024, 10,000 steps, constant schedule).
struct TrainOptions {
    std::int64_t steps = 10'000;
    Index batch_size = 1024;
    double learning_rate = 1e-3;
    OptimizerOptions optimizer = AdamWOptions{};
    Schedule schedule = Schedule::constant();
    /// Seed of the data stream (stream 1 of this seed; tms::initialize uses stream 0).
    std::uint64_t seed = 0;
    /// Record the batch loss every this many steps (and at the last step) in TrainReport::loss_history.
    std::int64_t log_every = 100;
    /// Call the callback every this many steps (0: never).
    std::int64_t callback_every = 0;
    /// TrainReport::final_loss averages the batch loss over this many final steps (fewer if the run is shorter).
    std::int64_t final_loss_window = 100;
    /// Force a tile path (benchmarks, and tests that check every path trains the same weights).
    TilePath tile_path = TilePath::automatic;
};

/// Throws std::invalid_argument naming the first invalid option.
inline void validate(const TrainOptions& options) {
    detail::require(options.steps >= 0, "steps must be non-negative, got ", options.steps);
    detail::require_positive_size(options.batch_size, "batch size");
    detail::require(std::isfinite(options.learning_rate) && options.learning_rate >= 0.0,
                    "learning rate must be finite and non-negative, got ", options.learning_rate);
    detail::require(options.log_every >= 1, "log_every must be at least 1, got ", options.log_every);
    detail::require(options.callback_every >= 0, "callback_every must be non-negative, got ",
                    options.callback_every);
    detail::require(options.final_loss_window >= 1, "final_loss_window must be at least 1, got ",
                    options.final_loss_window);
}

/// One point of the loss curve.
struct LossRecord {
    std::int64_t step;
    double loss;
};

/// What a training run did.
struct TrainReport {
    /// Mean batch loss over the last TrainOptions::final_loss_window steps.
    double final_loss = 0.0;
    std::vector<LossRecord> loss_history;
    std::int64_t steps_completed = 0;
    bool stopped_early = false;
    double seconds = 0.0;
};

/// What the callback sees at step 0 and every TrainOptions::callback_every steps.
struct TrainingProgress {
    std::int64_t step;  ///< steps completed so far
    std::int64_t total_steps;  ///< the planned total, TrainOptions::steps
    double loss;  ///< batch loss of the last step (NaN at step 0: no batch yet)
    double learning_rate;  ///< rate of the last step (at step 0: of the first step)
};

/// The callback train() and Trainer::run use when none is given: continues every time.
struct NoCallback {
    template <class Model>
    bool operator()(const TrainingProgress&, const Model&) const noexcept {
        return true;
    }
};

/// A Trainer's optimizer and its state (what Trainer::optimizer() returns and a checkpoint saves).
template <class Scalar>
using AnyOptimizer = std::variant<AdamW<Scalar>, Adam<Scalar>, Sgd<Scalar>>;

namespace detail {
using NoCallback = tms::NoCallback;  // the names these had before they became public
template <class Scalar>
using AnyOptimizer = tms::AnyOptimizer<Scalar>;

template <class Scalar>
AnyOptimizer<Scalar> make_optimizer(const OptimizerOptions& options) {
    return std::visit(
        [](const auto& o) -> AnyOptimizer<Scalar> {
            using O = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<O, AdamWOptions>) return AdamW<Scalar>(o);
            else if constexpr (std::is_same_v<O, AdamOptions>) return Adam<Scalar>(o);
            else return Sgd<Scalar>(o);
        },
        options);
}

template <class Scalar>
bool all_finite(std::span<const Scalar> values) noexcept {
    // A sum is NaN or infinite whenever a term is; one pass, no branch per element.
    return std::isfinite(std::accumulate(values.begin(), values.end(), Scalar(0)));
}
}  // namespace detail

/// Stateful training of one model: parameters, optimizer state, data stream and step count.
///
/// The model is read at construction and written back when run() returns (and before each callback), so
/// between runs the Trainer is the source of truth; its state is what a checkpoint saves.
template <toy_model Model, feature_sampler Sampler>
class Trainer {
public:
    using Scalar = typename Model::Scalar;

    /// The Trainer keeps references to the model and the sampler: a temporary sampler would dangle.
    template <class Importance>
    Trainer(Model& model, const Sampler&& sampler, const Eigen::MatrixBase<Importance>& importance,
            TrainOptions options) = delete;

    template <class Importance>
    Trainer(Model& model, const Sampler& sampler, const Eigen::MatrixBase<Importance>& importance,
            TrainOptions options)
        : model_(model),
          sampler_(sampler),
          options_(std::move(options)),
          core_(model.features(), model.hidden()),
          optimizer_(detail::make_optimizer<Scalar>(options_.optimizer)),
          engine_(options_.seed, 1) {
        validate(options_);
        model.check_consistent();
        detail::require(sampler.features() == model.features(), "sampler draws ", sampler.features(),
                        " features but the model has ", model.features());
        detail::require(importance.cols() == 1 && importance.rows() == model.features(), "importance has ",
                        importance.rows(), "x", importance.cols(), " entries but the model has ",
                        model.features(), " features");
        validate_importance(importance);
        importance_ = importance.template cast<Scalar>();
        params_.resize(static_cast<std::size_t>(model.parameter_count()));
        model.pack(params_);
        last_finite_ = params_;
        gradient_.assign(params_.size(), Scalar(0));
        // The tile kind follows the data's expected density; a sampler that can only fill dense batches is used
        // densely.
        if constexpr (samples_sparsely && requires { sampler.mean_probability(); }) {
            tile_kind_ = core_.preferred_tile(sampler.mean_probability());
        }
        if (options_.tile_path != TilePath::automatic) {
            detail::require(samples_sparsely || options_.tile_path == TilePath::dense,
                            "tile path: this sampler has no sample_sparse, so only the dense path can be forced");
            detail::require(options_.tile_path != TilePath::feature_major || model.hidden() <= Core::lanes_max_hidden,
                            "tile path feature_major needs at most ", Core::lanes_max_hidden,
                            " hidden neurons, the model has ", model.hidden());
            tile_kind_ = options_.tile_path == TilePath::sparse          ? TileKind::sparse
                         : options_.tile_path == TilePath::feature_major ? TileKind::feature_major
                                                                         : TileKind::dense;
        }
    }

    /// Trains until options.steps steps have been taken in total (or the callback returns false).
    ///
    /// \p callback(const TrainingProgress&, const Model&) runs before the first step when the Trainer is at step 0
    /// (progress.loss is NaN there: no batch has been seen) and after every options.callback_every-th step;
    /// returning false stops training. A callback returning void never stops it.
    template <class Callback = NoCallback>
    TrainReport run(Callback&& callback = {}) {
        return run_for(std::max<std::int64_t>(options_.steps - step_, 0), std::forward<Callback>(callback));
    }

    /// Trains \p steps more steps from wherever the Trainer is (or until the callback returns false), so training
    /// can continue past options.steps without changing the options.
    ///
    /// options.steps stays the planned total the schedule is defined by; steps past it keep the factor of the last
    /// planned step. The report covers this call only (its loss history, final loss and steps).
    /// \throws std::invalid_argument if \p steps is negative; tms::divergence_error as tms::train.
    template <class Callback = NoCallback>
    TrainReport run_for(std::int64_t steps, Callback&& callback = {}) {
        detail::require(steps >= 0, "run_for: steps must be non-negative, got ", steps);
        const auto start = std::chrono::steady_clock::now();
        TrainReport report;
        const std::int64_t end = step_ + steps;
        // Reserved up to a bound: a call for 2^40 steps (train "forever", stop from the callback) must not try to
        // allocate 2^40 / log_every records up front.
        report.loss_history.reserve(
            static_cast<std::size_t>(std::min<std::int64_t>(steps / options_.log_every + 2, 4096)));
        const auto window =
            static_cast<std::size_t>(std::min(options_.final_loss_window, std::max<std::int64_t>(steps, 1)));
        std::vector<double> recent;
        recent.reserve(window);
        std::size_t recent_next = 0;
        double loss = 0.0;
        if (options_.callback_every > 0 && step_ == 0) {
            const TrainingProgress progress{0, options_.steps, std::numeric_limits<double>::quiet_NaN(),
                                            learning_rate_at(0)};
            if (!notify(callback, progress)) {
                report.stopped_early = steps > 0;
                end_run(report, recent, loss, start);
                return report;
            }
        }
        while (step_ < end) {
            const double learning_rate = learning_rate_at(step_);
            loss = take_step(learning_rate);
            if ((step_ - 1) % options_.log_every == 0 || step_ == end || step_ == options_.steps)
                report.loss_history.push_back({step_ - 1, loss});
            if (recent.size() < window) {
                recent.push_back(loss);
            } else {
                recent[recent_next] = loss;
                recent_next = (recent_next + 1) % recent.size();
            }
            ++report.steps_completed;
            if (options_.callback_every > 0 && step_ % options_.callback_every == 0) {
                model_.unpack(params_);
                if (!notify(callback, TrainingProgress{step_, options_.steps, loss, learning_rate})) {
                    report.stopped_early = step_ < end;
                    break;
                }
            }
        }
        end_run(report, recent, loss, start);
        return report;
    }

    /// Takes one training step (no callback, no report) and returns its batch loss; the model's weights are
    /// current afterwards. (step() is the number of steps taken so far.)
    double train_step() {
        const double loss = take_step(learning_rate_at(step_));
        model_.unpack(params_);
        return loss;
    }

    [[nodiscard]] std::int64_t step() const noexcept { return step_; }
    [[nodiscard]] const TrainOptions& options() const noexcept { return options_; }
    /// The model being trained (its weights are current after run() returns and inside the callback).
    [[nodiscard]] const Model& model() const noexcept { return model_; }
    [[nodiscard]] std::span<const Scalar> parameters() const noexcept { return params_; }
    [[nodiscard]] RandomEngine& engine() noexcept { return engine_; }
    [[nodiscard]] AnyOptimizer<Scalar>& optimizer() noexcept { return optimizer_; }

    /// Sets the step counter, parameters and (through engine()/optimizer()) the rest of a saved state.
    void restore(std::int64_t step, std::span<const Scalar> parameters) {
        detail::require(parameters.size() == params_.size(), "restore: ", parameters.size(),
                        " parameters given but the model has ", params_.size());
        detail::require(step >= 0, "restore: negative step ", step);
        step_ = step;
        std::copy(parameters.begin(), parameters.end(), params_.begin());
        last_finite_ = params_;
        model_.unpack(params_);
    }

    /// Samples drawn and processed together; fixed (not tuned per machine) because the draw depends on it.
    static constexpr Index tile_samples = 256;

private:
    using Core = detail::GradientCore<typename Model::Spec>;
    using TileKind = typename Core::TileKind;
    static constexpr bool samples_sparsely =
        requires(const Sampler& s, RandomEngine& e, SparseBatch<Scalar>& tile) { s.sample_sparse(e, Index{1}, tile); };
    static constexpr bool samples_feature_major = requires(const Sampler& s, RandomEngine& e, Scalar* out) {
        s.sample_feature_major(e, Index{1}, out, Index{1});
    };

    /// The learning rate of step \p step: the schedule over the planned total, held at its last planned step after it.
    [[nodiscard]] double learning_rate_at(std::int64_t step) const noexcept {
        const std::int64_t planned_last = std::max<std::int64_t>(options_.steps - 1, 0);
        return options_.learning_rate * options_.schedule.factor(std::min(step, planned_last), options_.steps);
    }

    /// One optimizer step at \p learning_rate; returns the batch loss and advances step_.
    double take_step(double learning_rate) {
        const Scalar scale = Scalar(2) / static_cast<Scalar>(options_.batch_size * model_.features());
        const double mean_divisor = static_cast<double>(options_.batch_size * model_.features());
        std::fill(gradient_.begin(), gradient_.end(), Scalar(0));
        const double loss = static_cast<double>(batch_squared_error(scale)) / mean_divisor;
        if (!std::isfinite(loss)) diverged(learning_rate, "its loss is ", loss);
        if (!detail::all_finite<Scalar>(gradient_))
            diverged(learning_rate, "its gradient is not finite (loss ", loss, ")");
        std::visit([&](auto& opt) { opt.step(params_, gradient_, learning_rate); }, optimizer_);
        // The loss was computed before the update, so it is finite here: say that the update overflowed.
        if (!detail::all_finite<Scalar>(params_))
            diverged(learning_rate, "its update made the weights non-finite (loss ", loss, " before the update)");
        last_finite_ = params_;
        ++step_;
        return loss;
    }

    /// Calls \p callback with the current weights; false means stop.
    template <class Callback>
    bool notify(Callback& callback, const TrainingProgress& progress) {
        if constexpr (std::is_same_v<std::invoke_result_t<Callback&, const TrainingProgress&, const Model&>, void>) {
            callback(progress, std::as_const(model_));
            return true;
        } else {
            return static_cast<bool>(callback(progress, std::as_const(model_)));
        }
    }

    void end_run(TrainReport& report, const std::vector<double>& recent, double last_loss,
                 std::chrono::steady_clock::time_point start) {
        model_.unpack(params_);
        report.final_loss = recent.empty() ? last_loss
                                           : std::accumulate(recent.begin(), recent.end(), 0.0) /
                                                 static_cast<double>(recent.size());
        report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }

    /// Samples the step's batch tile by tile and runs each tile through the gradient core as it is drawn, so the
    /// batch never exists at full size; returns Σ over the batch of Σ_i I_i (y_i − t_i)² and fills gradient_.
    Scalar batch_squared_error(Scalar scale) {
        core_.begin_step(params_.data(), importance_.data());
        Scalar squared_error = 0;
        for (Index first = 0; first < options_.batch_size; first += tile_samples) {
            const Index count = std::min(tile_samples, options_.batch_size - first);
            // One draw for every tile kind: a sampler gives the same data in each layout for the same engine
            // state (docs/samplers.md), so a seed means the same data whichever tile the cost model picks (on any
            // CPU, with any constants), and each tile kind asks for its own layout, the one the sampler may be able
            // to fill directly.
            switch (tile_kind_) {
                case TileKind::sparse:
                    if constexpr (samples_sparsely) {
                        sampler_.sample_sparse(engine_, count, tile_);
                        squared_error += core_.accumulate(tile_, scale);
                    }
                    break;
                case TileKind::feature_major:
                    if constexpr (samples_sparsely) {
                        const Index stride = (count + Core::sample_lanes - 1) / Core::sample_lanes * Core::sample_lanes;
                        feature_major_tile_.resize(static_cast<std::size_t>(stride * model_.features()));
                        if constexpr (samples_feature_major) {
                            sampler_.sample_feature_major(engine_, count, feature_major_tile_.data(), stride);
                        } else {
                            sampler_.sample_sparse(engine_, count, tile_);
                            tile_.scatter_feature_major(feature_major_tile_.data(), stride);
                        }
                        core_.accumulate_feature_major(feature_major_tile_.data(), stride, count, scale);
                    }
                    break;
                case TileKind::dense:
                    dense_tile_.resize(model_.features(), count);
                    sampler_.sample(engine_, dense_tile_);
                    squared_error += core_.accumulate_dense(dense_tile_, scale);
                    break;
            }
        }
        return squared_error + core_.finish_step(scale, gradient_.data());
    }

    /// Restores the last finite weights and throws; steps are counted from 1 in the message (step_ + 1 is the
    /// failing one), as the CLI counts them, and \p why says what was not finite.
    template <class... Why>
    [[noreturn]] void diverged(double learning_rate, const Why&... why) {
        params_ = last_finite_;
        model_.unpack(params_);
        throw divergence_error(detail::concat("training diverged at step ", step_ + 1, " (after ", step_,
                                              " completed) of model ", Model::kind_name, " (n=", model_.features(),
                                              ", m=", model_.hidden(), ") with learning rate ", learning_rate, ": ",
                                              why..., "; the model keeps its last finite weights"));
    }

    Model& model_;
    const Sampler& sampler_;
    TrainOptions options_;
    Core core_;
    AnyOptimizer<Scalar> optimizer_;
    RandomEngine engine_;
    VectorX<Scalar> importance_;
    detail::aligned_vector<Scalar> params_;
    detail::aligned_vector<Scalar> last_finite_;
    detail::aligned_vector<Scalar> gradient_;
    SparseBatch<Scalar> tile_;
    MatrixX<Scalar> dense_tile_;
    std::int64_t step_ = 0;
    detail::aligned_vector<Scalar> feature_major_tile_;
    TileKind tile_kind_ = TileKind::dense;
};

/// Trains \p model on batches from \p data with the importance-weighted MSE and returns a report.
///
/// \p callback(const TrainingProgress&, const Model&) runs at step 0 (loss NaN) and every options.callback_every
/// steps with the current weights (never when callback_every is 0); returning false stops training early.
/// \throws std::invalid_argument on mismatched sizes or invalid options; tms::divergence_error if the loss or
///         gradient becomes non-finite (the model keeps its last finite weights).
template <toy_model Model, feature_sampler Sampler, class Importance, class Callback = NoCallback>
TrainReport train(Model& model, const Sampler& data, const Eigen::MatrixBase<Importance>& importance,
                  const TrainOptions& options = {}, Callback&& callback = {}) {
    Trainer<Model, Sampler> trainer(model, data, importance, options);
    return trainer.run(std::forward<Callback>(callback));
}

}  // namespace TMS_ARCH_NAMESPACE
}  // namespace tms
