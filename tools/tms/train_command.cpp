// `tms train`: train one model per (probability, instance) and print them, as a table or as JSON lines.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <tms/io/checkpoint.hpp>
#include <tms/io/model_file.hpp>
#include <tms/io/npy.hpp>
#include <tms/core.hpp>

#include "arguments.hpp"
#include "commands.hpp"
#include "json_output.hpp"
#include "limits.hpp"
#include "model_kind.hpp"

namespace tms::cli {
namespace {

struct TrainArguments {
    std::string model = "relu_output";
    Index features = 20;
    Index hidden = 5;
    std::string importance = "0.7";
    std::string probability = "0.01";
    Index instances = 1;
    std::int64_t steps = 10'000;
    Index batch = 1024;
    double learning_rate = 1e-3;
    std::string optimizer = "adamw";
    double weight_decay = std::nan("");  // used only if weight_decay_given
    bool weight_decay_given = false;
    double momentum = 0.0;
    bool momentum_given = false;
    std::string schedule = "constant";
    std::string seed_text = "0";
    std::uint64_t seed = 0;
    unsigned threads = 0;
    std::int64_t log_every = 100;
    bool json = false;
    bool double_precision = false;
    std::string checkpoint;  // save the trainer's state here every checkpoint_every steps and at the end
    std::int64_t checkpoint_every = 0;
    std::string resume;  // start from this checkpoint
    bool probability_given = false;
    std::string feature_probabilities;  // one probability per feature (one model per instance)
    std::string correlated_sets;        // COUNTxSIZE[@P]: sets whose members occur together
    std::string anticorrelated_sets;    // COUNTxSIZE[@P]: sets of which at most one member occurs
    std::string out;                    // the final weights (and the snapshots) as .npz ({} per model)
    std::int64_t snapshot_every = 0;    // W at steps 0, K, 2K, ... into the --out archive
};

/// The data of one model: its feature sampler's description and how the report names it.
struct DataSpec {
    double probability = std::nan("");      ///< the --probability entry; NaN with --feature-probabilities
    VectorX<double> feature_probabilities;  ///< with --feature-probabilities: p_i, one per feature
    std::vector<FeatureSet> sets;           ///< correlated and anticorrelated sets, on the first features
};

/// The sampler of \p data for \p Scalar, in the value range of \p Model's task: a SparseFeatureSampler, or a
/// CorrelatedFeatureSampler when there are sets. \p f is called with it.
template <class Model, class F>
decltype(auto) with_sampler(const DataSpec& data, Index features, F&& f) {
    using Scalar = typename Model::Scalar;
    const FeatureRange range = Model::absolute_value_task ? FeatureRange::symmetric : FeatureRange::unit;
    if (!data.sets.empty()) {
        const CorrelatedFeatureSampler<Scalar> sampler(data.sets, features - features_in_sets(data.sets),
                                                       data.probability, range);
        return f(sampler);
    }
    if (data.feature_probabilities.size() > 0) return f(SparseFeatureSampler<Scalar>(data.feature_probabilities, range));
    return f(SparseFeatureSampler<Scalar>(features, data.probability, range));
}

/// \p pattern for model \p k: "{}" replaced by k (required when several models are trained).
std::string model_path(const std::string& pattern, Index k) {
    const std::size_t at = pattern.find("{}");
    if (at == std::string::npos) return pattern;
    return pattern.substr(0, at) + std::to_string(k) + pattern.substr(at + 2);
}

OptimizerOptions make_optimizer(const TrainArguments& a) {
    const bool default_decay = !a.weight_decay_given;
    if (!default_decay && !(std::isfinite(a.weight_decay) && a.weight_decay >= 0.0))
        throw std::invalid_argument("--weight-decay: " + detail::format_number(a.weight_decay) +
                                    " must be finite and non-negative");
    if (a.momentum_given && a.optimizer != "sgd")
        throw std::invalid_argument("--momentum: applies only to --optimizer sgd, not '" + a.optimizer + "'");
    if (!(std::isfinite(a.momentum) && a.momentum >= 0.0 && a.momentum < 1.0))
        throw std::invalid_argument("--momentum: " + detail::format_number(a.momentum) + " must be in [0, 1)");
    if (a.optimizer == "adamw") {
        AdamWOptions o;
        if (!default_decay) o.weight_decay = a.weight_decay;
        return o;
    }
    if (a.optimizer == "adam") {
        AdamOptions o;
        if (!default_decay) o.weight_decay = a.weight_decay;
        return o;
    }
    if (a.optimizer == "sgd") {
        SgdOptions o;
        o.momentum = a.momentum;
        if (!default_decay) o.weight_decay = a.weight_decay;
        return o;
    }
    throw std::invalid_argument("--optimizer: unknown optimizer '" + a.optimizer + "' (expected adamw, adam or sgd)");
}

/// One trained model, already rendered: the JSON line and the table row; or, if it diverged, what happened.
struct Rendered {
    std::string json;
    std::string row;
    std::string divergence;  ///< empty: trained; else one line naming p, seed, step and the last finite loss
};

template <class Model, class Sampler>
Rendered train_one(const TrainArguments& a, const VectorX<double>& importance, const TrainOptions& base,
                   const DataSpec& spec, const Sampler& data, std::uint64_t seed, Index k) {
    using Scalar = typename Model::Scalar;
    const double p = spec.probability;
    Model model(a.features, a.hidden);
    initialize(model, seed);
    TrainOptions options = base;
    options.seed = seed;
    const VectorX<Scalar> weights = importance.cast<Scalar>();
    Trainer<Model, Sampler> trainer(model, data, weights, options);
    if (!a.resume.empty()) {
        const std::string path = model_path(a.resume, k);
        try {
            load_checkpoint(path, trainer);
        } catch (const std::exception& e) {
            throw std::runtime_error("--resume: " + std::string(e.what()));
        }
    }
    const std::string checkpoint = a.checkpoint.empty() ? std::string() : model_path(a.checkpoint, k);
    std::vector<MatrixX<Scalar>> snapshots;  // the feature weights (W, or W1) at snapshot_steps
    std::vector<std::int64_t> snapshot_steps;
    // The callback runs every step (unpacking the weights costs n·m, a small fraction of a step's batch·n·m) so
    // that a divergence can be reported with the last finite loss.
    double last_finite_loss = std::nan("");
    std::int64_t last_finite_step = trainer.step();
    TrainReport report;
    std::string divergence;
    try {
        report = trainer.run([&](const TrainingProgress& progress, const Model& current) {
            last_finite_loss = progress.loss;
            last_finite_step = progress.step;
            if (!checkpoint.empty() && progress.step % a.checkpoint_every == 0) save_checkpoint(checkpoint, trainer);
            if (a.snapshot_every > 0 && progress.step % a.snapshot_every == 0) {
                snapshots.emplace_back(current.feature_weights());
                snapshot_steps.push_back(progress.step);
            }
        });
    } catch (const divergence_error&) {
        // The trainer restored the last finite weights: they are reported below like any model's, marked.
        std::ostringstream message;
        message << "model " << k << " (";
        if (std::isnan(p))
            message << "--feature-probabilities";
        else
            message << "p " << p;
        message << ", seed " << seed << ") diverged at step " << trainer.step() + 1;
        if (std::isnan(last_finite_loss))
            message << " (no finite step before it)";
        else
            message << "; last finite loss " << std::setprecision(6) << last_finite_loss << " after step "
                    << last_finite_step;
        message << "; its last finite weights are reported; try a smaller --lr";
        divergence = message.str();
        report.final_loss = std::nan("");
    }
    if (!checkpoint.empty() && divergence.empty()) save_checkpoint(checkpoint, trainer);
    if (!a.out.empty()) {
        NpzWriter archive = model_archive(model, importance, data.probabilities());
        if (!snapshots.empty()) {
            archive.add_npy("snapshots", stacked_to_npy(snapshots));
            archive.add_npy("snapshot_steps", to_npy(snapshot_steps));
        }
        write_file_atomically(model_path(a.out, k), archive.bytes());
    }
    const auto norms = feature_norms(model);
    const auto interference = superposition(model);
    const Index represented = represented_features(model);

    nlohmann::ordered_json out;
    out["model"] = std::string(Model::kind_name);
    out["n"] = a.features;
    out["m"] = a.hidden;
    out["probability"] = detail::json_double(p);
    if (spec.feature_probabilities.size() > 0 || !spec.sets.empty())
        out["feature_probabilities"] = detail::json_vector(data.probabilities());
    if (!a.correlated_sets.empty()) out["correlated_sets"] = a.correlated_sets;
    if (!a.anticorrelated_sets.empty()) out["anticorrelated_sets"] = a.anticorrelated_sets;
    out["seed"] = seed;
    out["steps"] = trainer.step();
    out["batch"] = a.batch;
    out["learning_rate"] = a.learning_rate;
    out["optimizer"] = a.optimizer;
    out["schedule"] = base.schedule.name();
    out["precision"] = std::string(std::is_same_v<Scalar, float> ? "float" : "double");
    out["importance"] = detail::json_vector(importance);
    out["final_loss"] = detail::json_double(report.final_loss);
    if (!divergence.empty()) {
        out["diverged"] = true;
        out["diverged_at_step"] = trainer.step() + 1;
        out["last_finite_loss"] = detail::json_double(last_finite_loss);
        out["error"] = divergence;
    }
    if constexpr (Model::tied_weights) {
        out["W"] = detail::json_rows(model.W());
    } else {
        out["W1"] = detail::json_rows(model.W1());
        out["W2"] = detail::json_rows(model.W2());
    }
    out["b"] = detail::json_vector(model.b());
    out["feature_norms"] = detail::json_vector(norms);
    out["superposition"] = detail::json_vector(interference);
    out["represented"] = represented;
    out["dimensionality"] = detail::json_vector(feature_dimensionality(model));
    if constexpr (!Model::Spec::HiddenActivation::is_identity) {
        const NeuronCounts neurons = count_neurons(model);
        out["neurons"] = {{"dead", neurons.dead},
                          {"monosemantic", neurons.monosemantic},
                          {"polysemantic", neurons.polysemantic}};
    }
    nlohmann::ordered_json history = nlohmann::ordered_json::array();
    for (const LossRecord& record : report.loss_history) history.push_back({record.step, detail::json_double(record.loss)});
    out["loss_history"] = std::move(history);
    out["seconds"] = report.seconds;

    std::ostringstream row;
    row << std::left << std::setw(12) << Model::kind_name << std::right << std::setw(10);
    if (std::isnan(p))
        row << "p_i";
    else
        row << p;
    row << std::setw(6) << seed
        << std::setw(14) << std::setprecision(6);
    if (divergence.empty())
        row << report.final_loss;
    else
        row << "diverged";
    row << std::setw(12) << represented << "/"
        << a.features << std::setw(10) << std::setprecision(3) << report.seconds << "s";
    return {out.dump(), row.str(), divergence};
}

void run_train(TrainArguments& a) {
    const ModelKind kind = parse_model_kind(a.model);
    if (a.features < 1) throw std::invalid_argument("--features: must be at least 1, got " + std::to_string(a.features));
    if (a.hidden < 1) throw std::invalid_argument("--hidden: must be at least 1, got " + std::to_string(a.hidden));
    if (a.instances < 1)
        throw std::invalid_argument("--instances: must be at least 1, got " + std::to_string(a.instances));
    if (a.steps < 1) throw std::invalid_argument("--steps: must be at least 1, got " + std::to_string(a.steps));
    if (a.batch < 1) throw std::invalid_argument("--batch: must be at least 1, got " + std::to_string(a.batch));
    limits::require_model_sizes(a.features, a.hidden, a.batch, a.steps, "--features", "--hidden", "--batch", "--steps");
    limits::require_at_most(a.instances, limits::max_models, "--instances", "models of one run");
    if (a.log_every >= 1)
        limits::require_at_most(a.steps / a.log_every, limits::max_loss_records, "--steps / --log-every",
                                "loss records kept per model; raise --log-every");
    a.seed = parse_seed(a.seed_text, "--seed");
    if (a.seed > std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(a.instances - 1))
        throw std::invalid_argument("--seed: " + a.seed_text + " + --instances " + std::to_string(a.instances) +
                                    " overflows the 64-bit seed range");
    require_thread_count(a.threads, "--threads");
    if (!(std::isfinite(a.learning_rate) && a.learning_rate > 0.0))
        throw std::invalid_argument("--lr: must be finite and positive, got " + detail::format_number(a.learning_rate));
    if (a.log_every < 1)
        throw std::invalid_argument("--log-every: must be at least 1, got " + std::to_string(a.log_every));
    if (!a.feature_probabilities.empty() && a.probability_given)
        throw std::invalid_argument("--feature-probabilities: give either it (one probability per feature) or "
                                    "--probability (one model per value), not both");
    if (!a.feature_probabilities.empty() && !(a.correlated_sets.empty() && a.anticorrelated_sets.empty()))
        throw std::invalid_argument("--feature-probabilities: cannot be combined with --correlated-sets or "
                                    "--anticorrelated-sets (their sets take the --probability of the model)");
    // One data description per entry of --probability, or the single one of --feature-probabilities.
    std::vector<DataSpec> data_specs;
    if (!a.feature_probabilities.empty()) {
        const std::vector<double> values = parse_probabilities(a.feature_probabilities, "--feature-probabilities");
        if (static_cast<Index>(values.size()) != a.features)
            throw std::invalid_argument("--feature-probabilities: " + std::to_string(values.size()) +
                                        " values given but --features is " + std::to_string(a.features));
        DataSpec spec;
        spec.feature_probabilities = Eigen::Map<const VectorX<double>>(values.data(), a.features);
        data_specs.push_back(std::move(spec));
    } else {
        for (const double p : parse_probabilities(a.probability, "--probability")) {
            DataSpec spec;
            spec.probability = p;
            // Without @P a set's members take the model's probability p.
            if (!a.correlated_sets.empty())
                spec.sets = parse_feature_sets(a.correlated_sets, SetCorrelation::correlated, p, "--correlated-sets",
                                               a.features);
            if (!a.anticorrelated_sets.empty()) {
                const std::vector<FeatureSet> anti =
                    parse_feature_sets(a.anticorrelated_sets, SetCorrelation::anticorrelated, p, "--anticorrelated-sets",
                                       a.features);
                spec.sets.insert(spec.sets.end(), anti.begin(), anti.end());
            }
            const Index in_sets = features_in_sets(spec.sets);
            if (in_sets > a.features)
                throw std::invalid_argument("--correlated-sets/--anticorrelated-sets: the sets hold " +
                                            std::to_string(in_sets) + " features but --features is " +
                                            std::to_string(a.features));
            if (!spec.sets.empty()) {
                // Checks each set's probability now (an anticorrelated set of k members needs k·p <= 1), before
                // anything trains or any file is written.
                try {
                    (void)CorrelatedFeatureSampler<double>(spec.sets, a.features - in_sets, p);
                } catch (const std::invalid_argument& e) {
                    throw std::invalid_argument(std::string(a.anticorrelated_sets.empty() ? "--correlated-sets"
                                                                                          : "--anticorrelated-sets") +
                                                ": " + e.what());
                }
            }
            data_specs.push_back(std::move(spec));
        }
    }
    const VectorX<double> importance = parse_importance(a.importance, a.features, "--importance");
    if (!a.out.empty()) {
        const std::filesystem::path directory = std::filesystem::path(a.out).parent_path();
        std::error_code error;
        if (!directory.empty() && !std::filesystem::is_directory(directory, error))
            throw std::invalid_argument("--out: '" + directory.string() + "' is not a directory (in '" + a.out + "')");
    }
    if (a.snapshot_every < 0)
        throw std::invalid_argument("--snapshot-every: must be at least 1, got " + std::to_string(a.snapshot_every));
    if (a.snapshot_every > 0) {
        if (a.out.empty()) throw std::invalid_argument("--snapshot-every: needs --out FILE.npz to write the snapshots to");
        limits::require_at_most((a.steps / a.snapshot_every + 1) * a.features * a.hidden, limits::max_snapshot_values,
                                "--steps / --snapshot-every x --features x --hidden",
                                "snapshot values kept per model; raise --snapshot-every");
    }

    TrainOptions options;
    options.steps = a.steps;
    options.batch_size = a.batch;
    options.learning_rate = a.learning_rate;
    options.optimizer = make_optimizer(a);
    try {
        options.schedule = Schedule::parse(a.schedule);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("--schedule: ") + e.what());
    }
    if (options.schedule.warmup_steps() > a.steps)
        throw std::invalid_argument("--schedule: a warm-up of " + std::to_string(options.schedule.warmup_steps()) +
                                    " steps is longer than --steps " + std::to_string(a.steps));
    options.log_every = a.log_every;
    if (a.checkpoint.empty() != (a.checkpoint_every == 0))
        throw std::invalid_argument("--checkpoint and --checkpoint-every K (K >= 1) go together");
    if (a.checkpoint_every < 0)
        throw std::invalid_argument("--checkpoint-every: must be at least 1, got " + std::to_string(a.checkpoint_every));
    options.callback_every = 1;  // see train_one: tracks the last finite loss, checkpoints every checkpoint_every
    validate(options);

    // Model k = (probability index, instance); instance i of base seed s uses seed s + i.
    const auto count = static_cast<Index>(data_specs.size()) * a.instances;
    limits::require_at_most(count, limits::max_models, "--probability x --instances", "models of one run");
    for (const auto& [option, value] : {std::pair<const char*, const std::string&>{"--checkpoint", a.checkpoint},
                                        {"--resume", a.resume}, {"--out", a.out}})
        if (count > 1 && !value.empty() && value.find("{}") == std::string::npos)
            throw std::invalid_argument(std::string(option) + ": '" + value + "' must contain {} (replaced by the model index) when " +
                                        std::to_string(count) + " models are trained");
    std::vector<Rendered> rendered(static_cast<std::size_t>(count));
    const Precision precision = a.double_precision ? Precision::double_ : Precision::single;
    with_model_type(kind, precision, [&]<class Model>(std::type_identity<Model>) {
        parallel_for(count, a.threads, [&](Index k) {
            const DataSpec& spec = data_specs[static_cast<std::size_t>(k / a.instances)];
            const std::uint64_t seed = a.seed + static_cast<std::uint64_t>(k % a.instances);
            rendered[static_cast<std::size_t>(k)] = with_sampler<Model>(spec, a.features, [&](const auto& sampler) {
                return train_one<Model>(a, importance, options, spec, sampler, seed, k);
            });
        });
    });
    std::size_t diverged = 0;
    if (a.json) {
        for (const Rendered& r : rendered) std::cout << r.json << '\n';
    } else {
        std::cout << std::left << std::setw(12) << "model" << std::right << std::setw(10) << "p" << std::setw(6)
                  << "seed" << std::setw(14) << "final loss" << std::setw(15) << "represented" << std::setw(11)
                  << "time" << '\n';
        for (const Rendered& r : rendered) std::cout << r.row << '\n';
    }
    std::cout.flush();
    if (!std::cout) throw std::runtime_error("could not write the results to standard output");
    for (const Rendered& r : rendered)
        if (!r.divergence.empty()) {
            std::cerr << "tms: " << r.divergence << '\n';
            ++diverged;
        }
    // Every other model's result is printed above; the exit status still says that not all of them trained.
    if (diverged > 0)
        throw std::runtime_error(std::to_string(diverged) + " of " + std::to_string(rendered.size()) +
                                 (rendered.size() == 1 ? " model" : " models") + " diverged (named above)");
}

}  // namespace

void add_train_command(CLI::App& app) {
    auto arguments = std::make_shared<TrainArguments>();
    CLI::App* command = app.add_subcommand("train", "Train one model per probability (and per seed) and report them");
    auto& a = *arguments;
    command->add_option("--model", a.model, "linear, relu_output, relu_hidden or abs_value")->capture_default_str();
    command->add_option("--features,-n", a.features, "number of features n")->capture_default_str();
    command->add_option("--hidden,-m", a.hidden, "hidden dimensions m")->capture_default_str();
    command->add_option("--importance", a.importance, "ratio r for I_i = r^i, or n comma-separated values")
        ->capture_default_str();
    auto* probability =
        command->add_option("--probability,-p", a.probability, "feature probability 1 - S; a comma list trains one model each")
            ->capture_default_str();
    command->add_option("--feature-probabilities", a.feature_probabilities,
                        "one probability per feature, comma-separated (n values; instead of --probability)");
    command->add_option("--correlated-sets", a.correlated_sets,
                        "COUNTxSIZE[@P]: COUNT sets of SIZE features that occur all together or not at all, on the "
                        "first features (P: their marginal probability, default --probability)");
    command->add_option("--anticorrelated-sets", a.anticorrelated_sets,
                        "COUNTxSIZE[@P]: COUNT sets of SIZE features of which at most one occurs (after the "
                        "correlated sets)");
    command->add_option("--instances", a.instances, "seeds per probability (seed, seed+1, ...)")->capture_default_str();
    command->add_option("--steps", a.steps, "training steps")->capture_default_str();
    command->add_option("--batch", a.batch, "batch size")->capture_default_str();
    command->add_option("--lr", a.learning_rate, "learning rate")->capture_default_str();
    command->add_option("--optimizer", a.optimizer, "adamw, adam or sgd")->capture_default_str();
    auto* weight_decay =
        command->add_option("--weight-decay", a.weight_decay, "weight decay (default: AdamW 0.01, others 0)");
    auto* momentum = command->add_option("--momentum", a.momentum, "SGD momentum (sgd only)")->capture_default_str();
    command->add_option("--schedule", a.schedule, "constant, linear, cosine or warmup_cosine:STEPS")->capture_default_str();
    command->add_option("--seed", a.seed_text, "base seed in [0, 2^64) (initialisation and data)")->capture_default_str();
    command->add_option("--threads", a.threads, "threads (0: all cores)")->capture_default_str();
    command->add_option("--log-every", a.log_every, "loss history interval in steps")->capture_default_str();
    command->add_flag("--json", a.json, "one JSON object per model per line");
    command->add_flag("--double", a.double_precision, "train in double precision");
    command->add_option("--checkpoint", a.checkpoint,
                        "save a checkpoint to FILE every --checkpoint-every steps and at the end (atomically); with "
                        "several models FILE must contain {}, replaced by the model index");
    command->add_option("--checkpoint-every", a.checkpoint_every, "steps between checkpoints");
    command->add_option("--resume", a.resume, "continue from the checkpoint FILE ({} as for --checkpoint)");
    command->add_option("--out", a.out,
                        "write the final model to FILE.npz (tms::save_model's layout; {} as for --checkpoint)");
    command->add_option("--snapshot-every", a.snapshot_every,
                        "also write W at steps 0, K, 2K, ... to the --out archive (snapshots [count, m, n], "
                        "snapshot_steps)");
    command->callback([arguments, weight_decay, momentum, probability] {
        arguments->probability_given = probability->count() > 0;
        arguments->weight_decay_given = weight_decay->count() > 0;
        arguments->momentum_given = momentum->count() > 0;
        run_train(*arguments);
    });
}

}  // namespace tms::cli
