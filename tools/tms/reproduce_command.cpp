// `tms reproduce` (being written; replaced by the full command).
#include <stdexcept>

#include "commands.hpp"

namespace tms::cli {

void add_reproduce_command(CLI::App& app) {
    auto* command = app.add_subcommand("reproduce", "not built yet");
    command->callback([] { throw std::runtime_error("tms reproduce is not built yet"); });
}

}  // namespace tms::cli
