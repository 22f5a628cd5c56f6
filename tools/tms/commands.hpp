#pragma once
// The subcommands of the `tms` tool; each lives in its own source file.

#include <CLI/CLI.hpp>

namespace tms::cli {

/// `tms train`: train one model per probability (and per seed) and report them.
void add_train_command(CLI::App& app);
/// `tms reproduce`: re-run the paper's experiments and write figures and a report.
void add_reproduce_command(CLI::App& app);
/// `tms sweep`: run a grid of configurations, locally or under MPI, resumably.
void add_sweep_command(CLI::App& app);

}  // namespace tms::cli
