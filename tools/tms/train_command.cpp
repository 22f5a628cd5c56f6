// `tms train`: train one model per (probability, instance) and print them, as a table or as JSON lines.
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <tms/io/checkpoint.hpp>
#include <tms/tms.hpp>

#include "arguments.hpp"
#include "commands.hpp"
#include "json_output.hpp"
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
    double weight_decay = std::nan("");  // NaN: the optimizer's own default
    double momentum = 0.0;
    std::string schedule = "constant";
    std::uint64_t seed = 0;
    unsigned threads = 0;
    std::int64_t log_every = 100;
    bool json = false;
    bool double_precision = false;
    std::string checkpoint;  // save the trainer's state here every checkpoint_every steps and at the end
    std::int64_t checkpoint_every = 0;
    std::string resume;  // start from this checkpoint
};

/// \p pattern for model \p k: "{}" replaced by k (required when several models are trained).
std::string model_path(const std::string& pattern, Index k) {
    const std::size_t at = pattern.find("{}");
    if (at == std::string::npos) return pattern;
    return pattern.substr(0, at) + std::to_string(k) + pattern.substr(at + 2);
}

OptimizerOptions make_optimizer(const TrainArguments& a) {
    const bool default_decay = std::isnan(a.weight_decay);
    if (!default_decay && !(std::isfinite(a.weight_decay) && a.weight_decay >= 0.0))
        throw std::invalid_argument("--weight-decay: " + std::to_string(a.weight_decay) +
                                    " must be finite and non-negative");
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

/// One trained model, already rendered: the JSON line and the table row.
struct Rendered {
    std::string json;
    std::string row;
};

template <class Model>
Rendered train_one(const TrainArguments& a, const VectorX<double>& importance, const TrainOptions& base, double p,
                   std::uint64_t seed, Index k) {
    using Scalar = typename Model::Scalar;
    Model model(a.features, a.hidden);
    initialize(model, seed);
    const SparseFeatureSampler<Scalar> data(a.features, p, Model::absolute_value_task ? FeatureRange::symmetric
                                                                                      : FeatureRange::unit);
    TrainOptions options = base;
    options.seed = seed;
    const VectorX<Scalar> weights = importance.cast<Scalar>();
    Trainer<Model, SparseFeatureSampler<Scalar>> trainer(model, data, weights, options);
    if (!a.resume.empty()) {
        const std::string path = model_path(a.resume, k);
        try {
            load_checkpoint(path, trainer);
        } catch (const std::exception& e) {
            throw std::runtime_error("--resume: " + std::string(e.what()));
        }
    }
    const std::string checkpoint = a.checkpoint.empty() ? std::string() : model_path(a.checkpoint, k);
    const TrainReport report = checkpoint.empty() ? trainer.run() : trainer.run([&](const TrainingProgress&, const Model&) {
        save_checkpoint(checkpoint, trainer);
    });
    if (!checkpoint.empty()) save_checkpoint(checkpoint, trainer);
    const auto norms = feature_norms(model);
    const auto interference = superposition(model);
    const Index represented = represented_features(model);

    nlohmann::ordered_json out;
    out["model"] = std::string(Model::kind_name);
    out["n"] = a.features;
    out["m"] = a.hidden;
    out["probability"] = p;
    out["seed"] = seed;
    out["steps"] = trainer.step();
    out["batch"] = a.batch;
    out["learning_rate"] = a.learning_rate;
    out["optimizer"] = a.optimizer;
    out["schedule"] = base.schedule.name();
    out["precision"] = std::string(std::is_same_v<Scalar, float> ? "float" : "double");
    out["importance"] = detail::json_vector(importance);
    out["final_loss"] = detail::json_double(report.final_loss);
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
    row << std::left << std::setw(12) << Model::kind_name << std::right << std::setw(10) << p << std::setw(6) << seed
        << std::setw(14) << std::setprecision(6) << report.final_loss << std::setw(12) << represented << "/"
        << a.features << std::setw(10) << std::setprecision(3) << report.seconds << "s";
    return {out.dump(), row.str()};
}

void run_train(const TrainArguments& a) {
    const ModelKind kind = parse_model_kind(a.model);
    if (a.features < 1) throw std::invalid_argument("--features: must be at least 1, got " + std::to_string(a.features));
    if (a.hidden < 1) throw std::invalid_argument("--hidden: must be at least 1, got " + std::to_string(a.hidden));
    if (a.instances < 1)
        throw std::invalid_argument("--instances: must be at least 1, got " + std::to_string(a.instances));
    if (a.steps < 0) throw std::invalid_argument("--steps: must be non-negative, got " + std::to_string(a.steps));
    if (a.batch < 1) throw std::invalid_argument("--batch: must be at least 1, got " + std::to_string(a.batch));
    if (!(std::isfinite(a.learning_rate) && a.learning_rate > 0.0))
        throw std::invalid_argument("--lr: must be finite and positive, got " + detail::format_number(a.learning_rate));
    if (a.log_every < 1)
        throw std::invalid_argument("--log-every: must be at least 1, got " + std::to_string(a.log_every));
    const std::vector<double> probabilities = parse_probabilities(a.probability, "--probability");
    const VectorX<double> importance = parse_importance(a.importance, a.features, "--importance");

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
    options.log_every = a.log_every;
    if (a.checkpoint.empty() != (a.checkpoint_every == 0))
        throw std::invalid_argument("--checkpoint and --checkpoint-every K (K >= 1) go together");
    if (a.checkpoint_every < 0)
        throw std::invalid_argument("--checkpoint-every: must be at least 1, got " + std::to_string(a.checkpoint_every));
    options.callback_every = a.checkpoint_every;
    validate(options);

    // Model k = (probability index, instance); instance i of base seed s uses seed s + i.
    const auto count = static_cast<Index>(probabilities.size()) * a.instances;
    for (const auto& [option, value] : {std::pair<const char*, const std::string&>{"--checkpoint", a.checkpoint},
                                        {"--resume", a.resume}})
        if (count > 1 && !value.empty() && value.find("{}") == std::string::npos)
            throw std::invalid_argument(std::string(option) + ": '" + value + "' must contain {} (replaced by the model index) when " +
                                        std::to_string(count) + " models are trained");
    std::vector<Rendered> rendered(static_cast<std::size_t>(count));
    const Precision precision = a.double_precision ? Precision::double_ : Precision::single;
    with_model_type(kind, precision, [&]<class Model>(std::type_identity<Model>) {
        parallel_for(count, a.threads, [&](Index k) {
            const double p = probabilities[static_cast<std::size_t>(k / a.instances)];
            const std::uint64_t seed = a.seed + static_cast<std::uint64_t>(k % a.instances);
            rendered[static_cast<std::size_t>(k)] = train_one<Model>(a, importance, options, p, seed, k);
        });
    });
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
    command->add_option("--probability,-p", a.probability, "feature probability 1 - S; a comma list trains one model each")
        ->capture_default_str();
    command->add_option("--instances", a.instances, "seeds per probability (seed, seed+1, ...)")->capture_default_str();
    command->add_option("--steps", a.steps, "training steps")->capture_default_str();
    command->add_option("--batch", a.batch, "batch size")->capture_default_str();
    command->add_option("--lr", a.learning_rate, "learning rate")->capture_default_str();
    command->add_option("--optimizer", a.optimizer, "adamw, adam or sgd")->capture_default_str();
    command->add_option("--weight-decay", a.weight_decay, "weight decay (default: AdamW 0.01, others 0)");
    command->add_option("--momentum", a.momentum, "SGD momentum")->capture_default_str();
    command->add_option("--schedule", a.schedule, "constant, linear, cosine or warmup_cosine:STEPS")->capture_default_str();
    command->add_option("--seed", a.seed, "base seed (initialisation and data)")->capture_default_str();
    command->add_option("--threads", a.threads, "threads (0: all cores)")->capture_default_str();
    command->add_option("--log-every", a.log_every, "loss history interval in steps")->capture_default_str();
    command->add_flag("--json", a.json, "one JSON object per model per line");
    command->add_flag("--double", a.double_precision, "train in double precision");
    command->add_option("--checkpoint", a.checkpoint,
                        "save a checkpoint to FILE every --checkpoint-every steps and at the end (atomically); with "
                        "several models FILE must contain {}, replaced by the model index");
    command->add_option("--checkpoint-every", a.checkpoint_every, "steps between checkpoints");
    command->add_option("--resume", a.resume, "continue from the checkpoint FILE ({} as for --checkpoint)");
    command->callback([arguments] { run_train(*arguments); });
}

}  // namespace tms::cli
