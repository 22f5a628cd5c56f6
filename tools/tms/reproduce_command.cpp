// `tms reproduce`: the command-line face of the reproduction driver (reproduce.hpp).
#include <unistd.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include "arguments.hpp"
#include "commands.hpp"
#include "reproduce.hpp"

namespace tms::cli {
namespace {

struct ReproduceArguments {
    std::string out;
    bool quick = false;
    unsigned threads = 0;
    long long best_of = -1;  // -1: the default
    long long steps = -1;    // -1: the default
    bool pruned_best_of = false;
};

void run(const ReproduceArguments& a) {
    if (a.best_of == 0 || a.best_of < -1)
        throw std::invalid_argument("--best-of: must be at least 1, got " + std::to_string(a.best_of));
    if (a.steps == 0 || a.steps < -1)
        throw std::invalid_argument("--steps: must be at least 1, got " + std::to_string(a.steps));
    require_thread_count(a.threads, "--threads");
    ReproduceOptions options;
    options.out = a.out;
    options.quick = a.quick;
    options.threads = a.threads;
    options.best_of = a.best_of > 0 ? static_cast<Index>(a.best_of) : 0;
    options.steps = a.steps > 0 ? a.steps : 0;
    options.pruned_best_of = a.pruned_best_of;
    options.log = [](const std::string& line) { std::cerr << line << std::flush; };
    options.log_is_terminal = ::isatty(STDERR_FILENO) == 1;
    const ReproduceOutcome outcome = reproduce(options);
    std::cerr << "wrote " << outcome.figures << " figures, summary.json and report.html to " << a.out << "; "
              << outcome.reproduced << "/" << outcome.claims
              << " claims reproduced (holding on the trained models, failing on untrained weights and on wrong data) in "
              << std::lround(outcome.seconds) << " s\n";
}

}  // namespace

void add_reproduce_command(CLI::App& app) {
    auto arguments = std::make_shared<ReproduceArguments>();
    auto* command = app.add_subcommand("reproduce", "re-run the paper's experiments; write figures and a report");
    command->add_option("--out", arguments->out, "output directory (created; an earlier run's output is replaced)")
        ->required();
    command->add_flag("--quick", arguments->quick,
                      "fewer steps and seeds (" + std::to_string(quick_steps) + " steps; relu_hidden and abs_value " +
                          std::to_string(full_steps) + " steps, relu_hidden best of " +
                          std::to_string(quick_best_of) + ")");
    command->add_option("--threads", arguments->threads, "worker threads (default: all cores)");
    command->add_option("--best-of", arguments->best_of,
                        "relu_hidden seeds per sparsity (default " + std::to_string(full_best_of) + ", quick " +
                            std::to_string(quick_best_of) + ")");
    command->add_option("--steps", arguments->steps,
                        "training steps per model (default " + std::to_string(full_steps) + ", quick " +
                            std::to_string(quick_steps) + ")");
    command->add_flag("--pruned-best-of", arguments->pruned_best_of,
                      "NOT the paper's protocol: relu_hidden picks its best seed by successive halving (all seeds to "
                      "10% of the steps, the best quarter to 32%, the best quarter of those to the end), about a "
                      "fifth of the training; labelled in the report");
    command->callback([arguments] { run(*arguments); });
}

}  // namespace tms::cli
