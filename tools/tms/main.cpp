// `tms`: train, reproduce and sweep toy models of superposition from the command line.
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace {

/// CLI11's message for a bad value, rewritten to the one-line form every other error has ("--threads: '-1' is not
/// a valid value"); other parse errors keep CLI11's text, which already names the option.
std::string usage_message(const CLI::ParseError& e) {
    std::string what = e.what();
    constexpr std::string_view convert = "Could not convert: ";
    if (what.starts_with(convert)) {
        const std::size_t equals = what.find(" = ");
        if (equals != std::string::npos)
            return what.substr(convert.size(), equals - convert.size()) + ": '" + what.substr(equals + 3) +
                   "' is not a valid value";
    }
    constexpr std::string_view value = "The value ";
    constexpr std::string_view allowed = " is not an allowed value for ";
    if (const std::size_t at = what.find(allowed); what.starts_with(value) && at != std::string::npos)
        return what.substr(at + allowed.size()) + ": '" + what.substr(value.size(), at - value.size()) +
               "' is not a valid value";
    return what;
}

}  // namespace

// Exit status: 0 success; 2 a usage error (a bad option or value, or an invalid input file such as a grid: nothing
// was run); 1 a failure at run time (a file that cannot be read or written, a diverged model, a full disk).
int main(int argc, char** argv) {
    CLI::App app{"tms: Toy Models of Superposition"};
    app.require_subcommand(1);
    tms::cli::add_train_command(app);
    tms::cli::add_reproduce_command(app);
    tms::cli::add_sweep_command(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // CLI11 would add a "Run with --help" line; keep bad arguments to one line naming the argument.
        std::cerr << "tms: error: " << usage_message(e) << "\n";
        return 2;
    } catch (const std::invalid_argument& e) {
        std::cerr << "tms: error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        // One line naming the problem, a non-zero exit: the contract for every bad input.
        std::cerr << "tms: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
