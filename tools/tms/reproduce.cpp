// The driver of `tms reproduce`: experiments from tms/experiments, figures from tms/plot, files through a staging
// directory. See reproduce.hpp.
#include "reproduce.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <tms/experiments/experiments.hpp>
#include <tms/io/file.hpp>
#include <tms/io/npy.hpp>
#include <tms/io/staged_directory.hpp>
#include <tms/plot/figures.hpp>

#include "json_output.hpp"

namespace tms::cli {
namespace {

using json = nlohmann::ordered_json;
namespace fs = std::filesystem;
namespace ex = tms::experiments;

/// The AdamW learning rate of a full run (the paper's) and of --quick, whose fewer steps need a larger one.
constexpr double full_learning_rate = 1e-3;
constexpr double quick_learning_rate = 3e-3;

std::string number(double value) { return ex::detail::format(value, 4); }
std::string escape(const std::string& text) { return plot::xml_escape(text); }

/// Reports progress: in place on a terminal, otherwise a line at every 10% of an experiment's models.
class Progress {
public:
    explicit Progress(const ReproduceOptions& options) : options_(options) {}
    void operator()(std::string_view experiment, std::size_t done, std::size_t total) {
        if (!options_.log) return;
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        const std::string line = "[" + std::string(experiment) + "] " + std::to_string(done) + "/" +
                                 std::to_string(total) + " models, " + number(std::round(elapsed)) + " s";
        if (options_.log_is_terminal) {
            options_.log("\r" + line + (done == total ? "\n" : ""));
            return;
        }
        const std::size_t decile = total ? done * 10 / total : 10;
        if (done == total || decile != last_decile_) options_.log(line + "\n");
        last_decile_ = done == total ? std::size_t(-1) : decile;
    }

private:
    const ReproduceOptions& options_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::size_t last_decile_ = std::size_t(-1);
};

struct Figure {
    std::string experiment, file, title;
    double width = 0;
    std::string svg;
};

/// One experiment's claims on the trained models and on the two controls, in the same order.
struct CheckedClaims {
    std::vector<ex::Claim> trained, untrained, wrong_data;
};

/// Everything that goes into the output directory, written at the end into the staging directory.
struct Output {
    explicit Output(const fs::path& target) : dir(target) {}
    StagedDirectory dir;
    json summary;
    std::vector<Figure> figures;
    std::vector<std::pair<std::string, CheckedClaims>> claims;  // by experiment, in run order
    std::vector<std::pair<std::string, std::string>> extra_html;  // experiment → HTML shown above its figures

    std::string figure(const plot::SvgDocument& doc, const std::string& name, const std::string& experiment) {
        const std::string file = name + ".svg";
        dir.write(file, doc.str());
        figures.push_back({experiment, file, doc.title(), doc.width(), doc.str()});
        return file;
    }

    template <class Derived>
    json npy(const Eigen::MatrixBase<Derived>& m, const std::string& name) {
        const std::string file = name + ".npy";
        save_npy(dir.path(file), m);
        json shape = json::array();
        if constexpr (Derived::IsVectorAtCompileTime) shape.push_back(m.size());
        else shape = {m.rows(), m.cols()};
        return {{"file", file}, {"shape", shape}};
    }
};

json neurons_json(const NeuronCounts& n) {
    return {{"dead", n.dead}, {"monosemantic", n.monosemantic}, {"polysemantic", n.polysemantic}};
}

json point_json(const ex::Point& point) {
    const SweepResult& r = point.model;
    return {{"probability", point.probability},
            {"seed", r.config.seed},
            {"final_loss", detail::json_double(r.final_loss)},
            {"converged", r.converged},
            {"late_improvement", detail::json_double(r.late_improvement)},
            {"diverged", r.diverged},
            {"represented", r.represented},
            {"dimensions_per_feature", detail::json_double(r.dimensions_per_feature)},
            {"neurons", neurons_json(r.neurons)},
            {"feature_norms", detail::json_vector(r.feature_norms)},
            {"superposition", detail::json_vector(r.superposition)},  // null: not represented
            {"W", detail::json_rows(r.W)},
            {"b", detail::json_vector(r.b)}};
}

json claim_json(const ex::Claim& trained, const ex::Claim& untrained, const ex::Claim& wrong) {
    return {{"id", trained.id},
            {"claim", trained.text},
            {"measured", trained.measured},
            {"holds", trained.holds},
            {"converged", trained.converged},
            {"fails_untrained", !untrained.holds},
            {"untrained_measured", untrained.measured},
            {"fails_wrong_data", !wrong.holds},
            {"wrong_data_measured", wrong.measured}};
}

std::string p_name(double p) { return "p" + number(p); }

/// Runs \p run under the trained settings and both controls and records the claims.
template <class Run>
auto checked(Output& out, const std::string& name, const ex::Settings& settings, Run&& run) {
    ex::Settings untrained = settings, wrong = settings;
    untrained.control = ex::Control::untrained;
    wrong.control = ex::Control::wrong_data;
    wrong.best_of = std::min(settings.best_of, control_best_of);
    auto results = run(settings);
    CheckedClaims checks{claims(results), claims(run(untrained)), claims(run(wrong))};
    out.claims.emplace_back(name, std::move(checks));
    return results;
}

std::string model_title(const std::string& model, Index n, Index m, double p) {
    return model + ", n = " + std::to_string(n) + ", m = " + std::to_string(m) + ", 1\u2212S = " + number(p);
}

void basic_results(Output& out, const ex::Settings& settings) {
    const std::string name = "basic_results";
    const ex::BasicResults r = checked(out, name, settings, [](const ex::Settings& s) {
        return ex::run_basic_results({}, s);
    });
    json section = {{"n", r.config.features}, {"m", r.config.hidden}, {"importance_ratio", r.config.importance_ratio},
                    {"probabilities", r.config.probabilities}, {"models", json::object()}};
    for (const auto* points : {&r.linear, &r.relu_output})
        for (const ex::Point& p : *points) {
            const std::string& model = p.model.config.model;
            const std::string stem = name + "_" + model + "_" + p_name(p.probability);
            json entry = point_json(p);
            entry["figure"] = out.figure(
                plot::weights_and_norms_figure(p.model.W, p.model.b, p.model.feature_norms, p.model.superposition,
                                               model_title(model, r.config.features, r.config.hidden, p.probability)),
                stem, name);
            entry["npy"] = {{"W", out.npy(p.model.W, stem + "_W")}, {"b", out.npy(p.model.b, stem + "_b")}};
            section["models"][model].push_back(entry);
        }
    out.summary["experiments"][name] = section;
}

void two_dimensional(Output& out, const ex::Settings& settings) {
    const std::string name = "two_dimensional";
    const ex::TwoDimensionalResults r = checked(out, name, settings, [](const ex::Settings& s) {
        return ex::run_two_dimensional({}, s);
    });
    json section = {{"n", r.config.features}, {"m", r.config.hidden}, {"importance_ratio", r.config.importance_ratio},
                    {"probabilities", r.config.probabilities}, {"best_of", r.config.best_of}, {"points", json::array()}};
    for (const ex::Point& p : r.points) {
        const std::string stem = name + "_" + p_name(p.probability);
        json entry = point_json(p);
        entry["figure"] = out.figure(
            plot::vectors_2d_figure(p.model.W, "n = 5, m = 2: columns of W, 1\u2212S = " + number(p.probability)), stem,
            name);
        entry["npy"] = {{"W", out.npy(p.model.W, stem + "_W")}, {"b", out.npy(p.model.b, stem + "_b")}};
        section["points"].push_back(entry);
    }
    out.summary["experiments"][name] = section;
}

/// How the ReLU hidden experiment picks its models, for summary.json.
std::string best_of_protocol(const ex::Settings& settings) {
    return settings.pruned_best_of ? "pruned best-of by successive halving (not the paper's protocol)"
                                   : "best of all seeds, each trained for all steps (the paper's protocol)";
}

/// "best of 1000" or "pruned best of 1000", for titles.
std::string best_of_label(const ex::Settings& settings) {
    return std::string(settings.pruned_best_of ? "pruned best of " : "best of ") + std::to_string(settings.best_of);
}

void privileged_basis(Output& out, const ex::Settings& settings) {
    const std::string name = "relu_hidden";
    const ex::PrivilegedBasisResults r = checked(out, name, settings, [](const ex::Settings& s) {
        return ex::run_privileged_basis({}, s);
    });
    json section = {{"n", r.config.features}, {"m", r.config.hidden}, {"importance_ratio", r.config.importance_ratio},
                    {"probabilities", r.config.probabilities}, {"best_of", settings.best_of},
                    {"protocol", best_of_protocol(settings)}, {"points", json::array()}};
    std::string table = "<table><tr><th>1\u2212S</th><th>excerpt (represented, mono, poly)</th><th>measured</th>"
                        "<th>neuron labels</th></tr>\n";
    for (std::size_t k = 0; k < r.points.size(); ++k) {
        const ex::Point& p = r.points[k];
        const std::string stem = name + "_" + p_name(p.probability);
        json entry = point_json(p);
        entry["trained_steps"] = p.trained_steps;
        json kinds = json::array();
        std::string labels;
        for (const NeuronKind kind : classify_neurons(p.model.W, NeuronCriteria{})) {
            kinds.push_back(to_string(kind));
            labels += std::string(labels.empty() ? "" : ", ") + to_string(kind);
        }
        entry["neuron_kinds"] = kinds;
        const ex::NeuronRegime measured = ex::regime_of(p.model);
        entry["regime"] = {measured.represented, measured.monosemantic, measured.polysemantic};
        const ex::NeuronRegime& expected = r.config.excerpt_regimes[k];
        table += "<tr><td>" + number(p.probability) + "</td><td>" + ex::to_string(expected) + "</td><td class=\"" +
                 (measured == expected ? "ok" : "no") + "\">" + ex::to_string(measured) + "</td><td>" + labels +
                 "</td></tr>\n";
        entry["figures"] = {
            {"W", out.figure(plot::weight_matrix_figure(p.model.W, "relu_hidden W, 1\u2212S = " + number(p.probability)),
                             stem + "_W", name)},
            {"stacks", out.figure(plot::neuron_stack_figure(p.model.W,
                                                            "relu_hidden neuron stacks, 1\u2212S = " +
                                                                number(p.probability) + " (" +
                                                                best_of_label(settings) + ")"),
                                  stem + "_stacks", name)}};
        entry["npy"] = {{"W", out.npy(p.model.W, stem + "_W")}, {"b", out.npy(p.model.b, stem + "_b")}};
        section["points"].push_back(entry);
    }
    out.extra_html.emplace_back(name, "<h3>Regimes beside the excerpt</h3>\n" + table + "</table>\n");
    out.summary["experiments"][name] = section;
}

void computation(Output& out, const ex::Settings& settings) {
    const std::string name = "abs_value";
    const ex::ComputationResults r = checked(out, name, settings, [](const ex::Settings& s) {
        return ex::run_computation({}, s);
    });
    json section = {{"n", r.config.features}, {"m", r.config.hidden}, {"importance_ratio", r.config.importance_ratio},
                    {"probabilities", r.config.probabilities}, {"points", json::array()}};
    NeuronCriteria criteria;
    criteria.range = FeatureRange::symmetric;
    std::string motifs = "<h3>Asymmetric superposition with inhibition</h3>\n<table><tr><th>1\u2212S</th>"
                         "<th>instances (neuron A: strong/weak feature, inhibitor B)</th></tr>\n";
    bool drawn = false;
    for (const ex::Point& p : r.points) {
        const std::string stem = name + "_" + p_name(p.probability);
        const MatrixX<float> effective = effective_weights(p.model.W, p.model.W2);
        const std::vector<NeuronKind> kinds = classify_neurons(effective, criteria);
        // Neurons sorted by the index (importance) of their largest feature; dead neurons last.
        const Index m = effective.rows(), n = effective.cols();
        std::vector<Index> order(static_cast<std::size_t>(m)), key(static_cast<std::size_t>(m));
        for (Index j = 0; j < m; ++j) {
            Index largest = 0;
            effective.row(j).cwiseAbs().maxCoeff(&largest);
            key[static_cast<std::size_t>(j)] = kinds[static_cast<std::size_t>(j)] == NeuronKind::dead ? n : largest;
        }
        std::iota(order.begin(), order.end(), Index{0});
        std::stable_sort(order.begin(), order.end(), [&](Index x, Index y) {
            return key[static_cast<std::size_t>(x)] < key[static_cast<std::size_t>(y)];
        });
        json entry = point_json(p);
        entry.erase("W");  // large; the .npy files have W1 and W2
        entry["neuron_order"] = order;
        json kind_names = json::array();
        for (const NeuronKind kind : kinds) kind_names.push_back(to_string(kind));
        entry["neuron_kinds"] = kind_names;
        entry["figure"] = out.figure(
            plot::neuron_stack_figure(effective,
                                      "abs_value neuron stacks (W\u2081 rows \u00d7 \u2016W\u2082 column\u2016), 1\u2212S = " +
                                          number(p.probability) + " (sorted by largest feature)",
                                      order, criteria),
            stem + "_stacks", name);
        const auto instances = find_asymmetric_superposition(p.model.W, p.model.W2);
        json found = json::array();
        std::string cell;
        for (const AsymmetricSuperposition& motif : instances) {
            found.push_back({{"neuron", motif.neuron}, {"strong_feature", motif.strong_feature},
                             {"weak_feature", motif.weak_feature}, {"inhibitor", motif.inhibitor},
                             {"input_ratio", motif.input_ratio}, {"output_ratio", motif.output_ratio},
                             {"inhibition", motif.inhibition}});
            cell += (cell.empty() ? "" : "; ") + std::to_string(motif.neuron) + ": " +
                    std::to_string(motif.strong_feature) + "/" + std::to_string(motif.weak_feature) + ", B = " +
                    std::to_string(motif.inhibitor);
        }
        entry["asymmetric_superposition"] = found;
        motifs += "<tr><td>" + number(p.probability) + "</td><td>" + (cell.empty() ? "none" : cell) + "</td></tr>\n";
        if (!instances.empty() && !drawn) {
            drawn = true;
            entry["motif_figure"] = out.figure(
                plot::asymmetric_superposition_figure(p.model.W.cast<double>(), p.model.W2.cast<double>(), instances[0],
                                                      "asymmetric superposition with inhibition, 1\u2212S = " +
                                                          number(p.probability)),
                stem + "_motif", name);
        }
        entry["npy"] = {{"W1", out.npy(p.model.W, stem + "_W1")}, {"W2", out.npy(p.model.W2, stem + "_W2")},
                        {"b", out.npy(p.model.b, stem + "_b")}};
        section["points"].push_back(entry);
    }
    out.extra_html.emplace_back(name, motifs + "</table>\n");
    out.summary["experiments"][name] = section;
}

void dimensionality(Output& out, const ex::Settings& settings) {
    const std::string name = "dimensionality";
    const ex::DimensionalityResults r = checked(out, name, settings, [](const ex::Settings& s) {
        return ex::run_dimensionality({}, s);
    });
    json section = {{"n", r.config.features}, {"m", r.config.hidden}, {"importance_ratio", 1.0},
                    {"probabilities", r.config.probabilities}, {"points", json::array()}};
    std::vector<std::vector<double>> dims;
    std::vector<double> per_feature;
    for (const ex::Point& p : r.points) {
        const VectorX<float> d = feature_dimensionality(p.model.W);
        json entry = point_json(p);
        entry.erase("W");
        entry["feature_dimensionality"] = detail::json_vector(d);  // null: not represented
        entry["npy"] = {{"W", out.npy(p.model.W, name + "_" + p_name(p.probability) + "_W")}};
        section["points"].push_back(entry);
        dims.emplace_back(d.data(), d.data() + d.size());
        per_feature.push_back(p.model.dimensions_per_feature);
    }
    section["figure"] = out.figure(
        plot::dimensionality_figure(r.config.probabilities, dims, per_feature,
                                    "feature dimensionality, relu_output n = " + std::to_string(r.config.features) +
                                        ", m = " + std::to_string(r.config.hidden) + ", uniform importance"),
        name, name);
    out.summary["experiments"][name] = section;
}

/// Whether this run is `tms reproduce --quick` (the new experiments pick their smaller grids from it).
bool quick_run(const Output& out) { return out.summary["config"]["quick"].get<bool>(); }

void phase_diagram(Output& out, const ex::Settings& settings) {
    const std::string name = "phase_diagram";
    const ex::PhaseDiagramConfig config = quick_run(out) ? ex::PhaseDiagramConfig::quick() : ex::PhaseDiagramConfig{};
    const ex::PhaseDiagramResults r = checked(out, name, settings, [&](const ex::Settings& s) {
        return ex::run_phase_diagram(config, s);
    });
    const auto phases = [](const ex::PhaseDiagram& d) {
        std::vector<ExtraFeaturePhase> out;
        for (const ex::PhaseCell& c : d.cells) out.push_back(c.phase);
        return out;
    };
    std::vector<ExtraFeaturePhase> analytic;
    for (const ex::PhaseCell& c : r.two_in_one.cells)
        analytic.push_back(analytic_two_feature_phase(c.extra_importance, c.point.probability));
    const ex::PhaseDiagram& d = r.two_in_one;
    json section = {{"extra_importances", d.extra_importances}, {"densities", d.densities},
                    {"best_of", r.config.best_of},
                    {"analytic_agreement", ex::analytic_agreement(d)}, {"diagrams", json::object()}};
    for (const ex::PhaseDiagram* diagram : {&r.two_in_one, &r.three_in_two}) {
        json cells = json::array();
        for (const ex::PhaseCell& c : diagram->cells) {
            json cell = {{"extra_importance", c.extra_importance}, {"density", c.point.probability},
                         {"phase", std::string(phase_name(c.phase))},
                         {"final_loss", detail::json_double(c.point.model.final_loss)},
                         {"converged", c.point.model.converged}, {"seed", c.point.model.config.seed},
                         {"W", detail::json_rows(c.point.model.W)}, {"b", detail::json_vector(c.point.model.b)}};
            if (diagram == &r.two_in_one)
                cell["analytic_phase"] = std::string(phase_name(
                    analytic_two_feature_phase(c.extra_importance, c.point.probability)));
            cells.push_back(cell);
        }
        section["diagrams"]["n" + std::to_string(diagram->features) + "_m" + std::to_string(diagram->hidden)] = cells;
    }
    section["figure"] = out.figure(
        plot::phase_diagram_figure(
            d.extra_importances, d.densities,
            {{"n = 2, m = 1: analytic (exact losses)", analytic, true},
             {"n = 2, m = 1: trained (best of " + std::to_string(r.config.best_of) + ")", phases(r.two_in_one), true},
             {"n = 3, m = 2: trained (best of " + std::to_string(r.config.best_of) + ")", phases(r.three_in_two), false}},
            "extra-feature phase diagrams: " + number(100.0 * ex::analytic_agreement(d)) +
                "% of n = 2, m = 1 cells agree with the analytic diagram"),
        name, name);
    out.summary["experiments"][name] = section;
}

void pentagon_perturbation(Output& out, const ex::Settings& settings) {
    const std::string name = "pentagon_perturbation";
    const ex::PentagonPerturbationResults r = checked(out, name, settings, [](const ex::Settings& s) {
        return ex::run_pentagon_perturbation({}, s);
    });
    json section = {{"n", r.config.features}, {"m", r.config.hidden}, {"importance_ratio", 1.0},
                    {"density", r.config.density}, {"sparsity_factors", r.config.sparsity_factors},
                    {"best_of", r.config.best_of}, {"points", json::array()}};
    for (std::size_t k = 0; k < r.points.size(); ++k) {
        const ex::Point& p = r.points[k];
        const double factor = r.config.sparsity_factors[k];
        const std::string stem = name + "_f" + number(factor);
        json entry = point_json(p);
        entry["sparsity_factor"] = factor;
        const ex::Directions directions = ex::represented_directions(p.model.W);
        entry["gaps_degrees"] = directions.gaps();
        entry["gap_features"] = directions.features;
        entry["figure"] = out.figure(
            plot::vectors_2d_figure(p.model.W, "n = 5, m = 2, 1\u2212S = " + number(r.config.density) + ", feature 4 at " +
                                                   number(factor) + " \u00d7 that density"),
            stem, name);
        entry["npy"] = {{"W", out.npy(p.model.W, stem + "_W")}, {"b", out.npy(p.model.b, stem + "_b")}};
        section["points"].push_back(entry);
    }
    out.summary["experiments"][name] = section;
}

void learning_dynamics(Output& out, const ex::Settings& settings) {
    const std::string name = "learning_dynamics";
    // The experiment keeps its own steps and learning rate (its claims measure a time scale); --quick trains fewer
    // runs, --steps still sets the steps.
    ex::LearningDynamicsConfig config;
    if (quick_run(out)) config.seeds = 8;
    if (out.summary["config"]["steps_given"].get<bool>()) config.steps = settings.steps;
    const ex::LearningDynamicsResults r = checked(out, name, settings, [&](const ex::Settings& s) {
        return ex::run_learning_dynamics(config, s);
    });
    const ex::LearningDynamicsConfig& c = r.config;
    json section = {{"n", c.features}, {"m", c.hidden}, {"importance_ratio", 1.0}, {"density", c.density},
                    {"steps", c.steps}, {"learning_rate", c.learning_rate}, {"snapshot_every", c.snapshot_every},
                    {"runs", json::array()}};
    for (const ex::LearningDynamicsRun& run : r.runs) {
        json jumps = json::array();
        for (const ex::DimensionalityJump& j : run.jumps)
            jumps.push_back({{"feature", j.feature}, {"from_level", j.from_level}, {"from_steps", {j.from_first, j.from_last}},
                             {"to_level", j.to_level}, {"to_steps", {j.to_first, j.to_last}},
                             {"loss_before", detail::json_double(j.loss_before)},
                             {"loss_after", detail::json_double(j.loss_after)}});
        section["runs"].push_back({{"seed", run.seed}, {"final_loss", detail::json_double(run.final_loss)},
                                   {"diverged", run.diverged}, {"jumps", jumps}});
    }
    if (const ex::LearningDynamicsRun* shown = r.showcase()) {
        const std::string stem = name + "_seed" + std::to_string(shown->seed);
        section["shown_seed"] = shown->seed;
        // The figure ends at twice the step of the last arrival on a new level (whole thousands), where the run has
        // settled: the jumps are in the first few thousand steps of ten thousand.
        std::int64_t shown_until = 0;
        for (const ex::DimensionalityJump& j : shown->jumps) shown_until = std::max(shown_until, 2 * j.to_first);
        if (shown_until > 0) shown_until = std::min(c.steps, (shown_until + 999) / 1000 * 1000);
        section["figure_last_step"] = shown_until > 0 ? shown_until : c.steps;
        section["figure"] = out.figure(
            plot::learning_dynamics_figure(shown->steps, shown->dimensionality, shown->loss,
                                           "learning dynamics, relu_output n = " + std::to_string(c.features) +
                                               ", m = " + std::to_string(c.hidden) + ", 1\u2212S = " + number(c.density) +
                                               ", seed " + std::to_string(shown->seed) + ": " +
                                               std::to_string(shown->jumps.size()) + " jumps between levels",
                                           shown_until),
            name, name);
        const std::string weights = stem + "_W_over_training.npy";
        out.dir.write(weights, stacked_to_npy(shown->weights));
        section["snapshot_steps"] = shown->steps;
        section["snapshot_loss"] = json::array();
        for (const double l : shown->loss) section["snapshot_loss"].push_back(detail::json_double(l));
        section["npy"] = {{"W", {{"file", weights}, {"shape", {shown->weights.size(), c.hidden, c.features}}}},
                          {"dimensionality",
                           out.npy(shown->dimensionality.cast<float>(), stem + "_dimensionality")}};
    }
    out.summary["experiments"][name] = section;
}

void correlated_features(Output& out, const ex::Settings& settings) {
    const std::string name = "correlated_features";
    const ex::CorrelatedFeaturesResults r = checked(out, name, settings, [](const ex::Settings& s) {
        return ex::run_correlated_features({}, s);
    });
    json section = {{"pairs", r.config.pairs}, {"m", r.config.hidden}, {"importance_ratio", 1.0},
                    {"best_of", r.config.best_of}, {"points", json::array()}};
    const std::pair<const ex::CorrelatedPoint*, const char*> points[] = {
        {&r.sparse_correlated, "correlated"}, {&r.sparse_anticorrelated, "anticorrelated"},
        {&r.dense_correlated, "correlated"}};
    const auto summary_json = [](const InterferenceSummary& s) {
        return json{{"pairs", s.pairs}, {"mean", detail::json_double(s.mean)},
                    {"mean_cosine", detail::json_double(s.mean_cosine)},
                    {"mean_abs_cosine", detail::json_double(s.mean_abs_cosine)},
                    {"fraction_negative", detail::json_double(s.fraction_negative)}};
    };
    for (const auto& [point, kind] : points) {
        const ex::Point& p = point->point;
        const std::string stem = name + "_" + kind + "_" + p_name(p.probability);
        const std::string title = std::to_string(r.config.pairs) + " " + kind + " pairs, m = " +
                                  std::to_string(r.config.hidden) + ", 1\u2212S = " + number(p.probability);
        json entry = point_json(p);
        entry["correlation"] = kind;
        entry["within_correlated"] = summary_json(point->interference.within_correlated);
        entry["within_anticorrelated"] = summary_json(point->interference.within_anticorrelated);
        entry["across_sets"] = summary_json(point->interference.across_sets);
        entry["figures"] = {
            {"vectors", out.figure(plot::vectors_2d_figure(p.model.W, title + ": columns of W"), stem + "_vectors", name)},
            {"gram", out.figure(plot::weights_and_norms_figure(p.model.W, p.model.b, p.model.feature_norms,
                                                               p.model.superposition, title + ": W\u1d40W"),
                                stem + "_gram", name)}};
        entry["npy"] = {{"W", out.npy(p.model.W, stem + "_W")}, {"b", out.npy(p.model.b, stem + "_b")}};
        section["points"].push_back(entry);
    }
    out.summary["experiments"][name] = section;
}

std::string report_html(const Output& out) {
    std::string html =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tms reproduce: Toy Models of "
        "Superposition</title>\n<style>body{font-family:sans-serif;max-width:1300px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;"
        "vertical-align:top}.ok{color:#1a7f37;font-weight:bold}.no{color:#b2182b;font-weight:bold}"
        ".warn{color:#9a6700}.figs{display:flex;flex-wrap:wrap;gap:12px}.figs svg{border:1px solid #eee}"
        "td.m{font-size:85%}</style></head><body>\n";
    const json& config = out.summary["config"];
    html += "<h1>Toy Models of Superposition, reproduced by <code>tms reproduce</code></h1>\n<p>" +
            std::string(config["quick"].get<bool>() ? "Quick run" : "Full run") + ": " +
            std::to_string(config["steps"].get<std::int64_t>()) + " steps per model at learning rate " +
            number(config["learning_rate"].get<double>()) + " (abs_value: " +
            std::to_string(config["abs_value_steps"].get<std::int64_t>()) + " steps at " +
            number(config["abs_value_learning_rate"].get<double>()) + "; relu_hidden: " +
            std::to_string(config["relu_hidden_steps"].get<std::int64_t>()) + " steps at " +
            number(config["relu_hidden_learning_rate"].get<double>()) + ", best of " +
            std::to_string(config["best_of"].get<Index>()) + " seeds" +
            (config["pruned_best_of"].is_null()
                 ? std::string()
                 : " <b>by successive halving: a pruned best-of, not the paper's protocol</b> (first cut at " +
                       number(config["pruned_best_of"]["first_cut"].get<double>()) + " of the steps, " +
                       std::to_string(config["pruned_best_of"]["cuts"].get<int>()) + " cuts, keeping " +
                       number(config["pruned_best_of"]["keep"].get<double>()) + " at each)") +
            "), " +
            std::to_string(config["threads"].get<unsigned>()) + " threads, " +
            number(std::round(config["seconds"].get<double>())) + " s. " + out.summary["verdict"].get<std::string>() +
            "</p>\n<p>Every claim is checked three times: on the trained models, on their untrained (initial) weights, "
            "and on models trained on data of the wrong regime (dense for a sparse claim, sparse for a dense one, "
            "reversed importance for the importance claims). A claim counts as reproduced only if it holds on the "
            "trained models and fails on both controls. A claim resting on a model whose loss was still improving "
            "(by more than 2% and by more than two standard errors over the last 10% of the steps) is flagged "
            "\u201cunconverged\u201d.</p>\n";
    for (const auto& [experiment, checks] : out.claims) {
        html += "<h2>" + escape(experiment) + "</h2>\n<table><tr><th>claim (what the predicate checks)</th>"
                "<th>measured</th><th>verdict</th><th>untrained control</th><th>wrong-data control</th></tr>\n";
        for (std::size_t k = 0; k < checks.trained.size(); ++k) {
            const ex::Claim& c = checks.trained[k];
            const bool control_ok = !checks.untrained[k].holds && !checks.wrong_data[k].holds;
            const bool reproduced = c.holds && control_ok;
            html += "<tr><td>" + escape(c.text) + "</td><td class=\"m\">" + escape(c.measured) + "</td><td class=\"" +
                    (reproduced ? "ok\">\u2713 reproduced" : "no\">\u2717 not reproduced") +
                    (c.converged ? "" : " <span class=\"warn\">(unconverged)</span>") + "</td><td class=\"m\">" +
                    (checks.untrained[k].holds ? "<span class=\"no\">\u2717 holds</span>: "
                                               : "<span class=\"ok\">\u2713 fails</span>: ") +
                    escape(checks.untrained[k].measured) + "</td><td class=\"m\">" +
                    (checks.wrong_data[k].holds ? "<span class=\"no\">\u2717 holds</span>: "
                                                : "<span class=\"ok\">\u2713 fails</span>: ") +
                    escape(checks.wrong_data[k].measured) + "</td></tr>\n";
        }
        html += "</table>\n";
        for (const auto& [where, extra] : out.extra_html)
            if (where == experiment) html += extra;
        html += "<div class=\"figs\">\n";
        for (const Figure& f : out.figures) {
            if (f.experiment != experiment) continue;
            const std::size_t start = f.svg.find("<svg");
            if (start == std::string::npos) continue;
            // Shown at 60% of the natural size (several per row); the viewBox keeps the proportions.
            html += "<div><svg style=\"width:" + number(std::round(0.6 * f.width)) + "px;height:auto\" " +
                    f.svg.substr(start + 5) + "</div>\n";
        }
        html += "</div>\n";
    }
    return html + "</body></html>\n";
}

}  // namespace

ReproduceOutcome reproduce(const ReproduceOptions& options) {
    if (options.out.empty()) throw std::invalid_argument("--out: a directory is required");
    if (options.steps < 0) throw std::invalid_argument("--steps: must be at least 1, got " + std::to_string(options.steps));
    if (options.best_of < 0)
        throw std::invalid_argument("--best-of: must be at least 1, got " + std::to_string(options.best_of));
    const auto start = std::chrono::steady_clock::now();
    ex::Settings settings;
    settings.steps = options.steps > 0 ? options.steps : options.quick ? quick_steps : full_steps;
    settings.best_of = options.best_of > 0 ? options.best_of : options.quick ? quick_best_of : full_best_of;
    settings.learning_rate = options.quick ? quick_learning_rate : full_learning_rate;
    settings.threads = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    Progress progress(options);
    std::mutex progress_mutex;
    settings.progress = [&](std::string_view experiment, std::size_t done, std::size_t total) {
        std::lock_guard lock(progress_mutex);
        progress(experiment, done, total);
    };

    // Checks the target (absent, empty, or a finished run's) before minutes of training, and stages every file.
    Output out(options.out);
    {
        out.summary["config"] = {{"quick", options.quick}, {"steps", settings.steps}, {"best_of", settings.best_of},
                                 {"steps_given", options.steps > 0},
                                 {"learning_rate", settings.learning_rate}, {"threads", settings.threads},
                                 {"seconds", 0.0}};
        out.summary["experiments"] = json::object();
        basic_results(out, settings);
        two_dimensional(out, settings);
        // --quick shortens every experiment but the ReLU-hidden and abs-value ones, whose regimes and neuron kinds
        // need the paper's training: after 3,000 steps at 3e-3 most dense abs-value models still have one to four
        // neurons in transition between two features (12 of 20 seeds measured), after 10,000 at 1e-3 few do.
        ex::Settings paper_training = settings;
        if (options.quick && options.steps == 0) {
            paper_training.steps = full_steps;
            paper_training.learning_rate = full_learning_rate;
        }
        ex::Settings hidden = paper_training;
        if (options.pruned_best_of) hidden.pruned_best_of = PruneSchedule{};
        out.summary["config"]["pruned_best_of"] =
            hidden.pruned_best_of ? json{{"first_cut", hidden.pruned_best_of->first_cut},
                                         {"cuts", hidden.pruned_best_of->cuts},
                                         {"keep", hidden.pruned_best_of->keep}}
                                  : json(nullptr);
        out.summary["config"]["relu_hidden_steps"] = hidden.steps;
        out.summary["config"]["relu_hidden_learning_rate"] = hidden.learning_rate;
        out.summary["config"]["abs_value_steps"] = paper_training.steps;
        out.summary["config"]["abs_value_learning_rate"] = paper_training.learning_rate;
        privileged_basis(out, hidden);
        computation(out, paper_training);
        dimensionality(out, settings);
        phase_diagram(out, settings);
        pentagon_perturbation(out, settings);
        correlated_features(out, settings);
        learning_dynamics(out, settings);

        ReproduceOutcome outcome;
        json claims = json::array();
        for (const auto& [experiment, checks] : out.claims)
            for (std::size_t k = 0; k < checks.trained.size(); ++k) {
                json c = claim_json(checks.trained[k], checks.untrained[k], checks.wrong_data[k]);
                c["experiment"] = experiment;
                const bool discriminating = c["fails_untrained"].get<bool>() && c["fails_wrong_data"].get<bool>();
                c["reproduced"] = checks.trained[k].holds && discriminating;
                ++outcome.claims;
                outcome.reproduced += c["reproduced"].get<bool>() ? 1 : 0;
                outcome.discriminating += discriminating ? 1 : 0;
                claims.push_back(std::move(c));
            }
        outcome.figures = out.figures.size();
        outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        out.summary["config"]["seconds"] = outcome.seconds;
        out.summary["verdict"] = std::to_string(outcome.reproduced) + "/" + std::to_string(outcome.claims) +
                                 " claims reproduced (holding on the trained models and failing on both controls).";
        out.summary["claims"] = claims;
        json figures = json::array();
        for (const Figure& f : out.figures)
            figures.push_back({{"experiment", f.experiment}, {"file", f.file}, {"title", f.title}, {"width", f.width}});
        out.summary["figures"] = figures;
        out.dir.write("summary.json", out.summary.dump(1) + "\n");
        out.dir.write("report.html", report_html(out));
        out.dir.commit();  // the completion marker, then one rename
        return outcome;
    }
}

}  // namespace tms::cli
