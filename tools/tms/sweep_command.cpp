// `tms sweep` (being written; replaced by the full command).
#include <stdexcept>

#include "commands.hpp"

namespace tms::cli {

void add_sweep_command(CLI::App& app) {
    auto* command = app.add_subcommand("sweep", "not built yet");
    command->callback([] { throw std::runtime_error("tms sweep is not built yet"); });
}

}  // namespace tms::cli
