// `tms train` (being written; replaced by the full command).
#include <stdexcept>

#include "commands.hpp"

namespace tms::cli {

void add_train_command(CLI::App& app) {
    auto* command = app.add_subcommand("train", "not built yet");
    command->callback([] { throw std::runtime_error("tms train is not built yet"); });
}

}  // namespace tms::cli
