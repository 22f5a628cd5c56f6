// `tms`: train, reproduce and sweep toy models of superposition from the command line.
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.hpp"

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
        std::cerr << "tms: error: " << e.what() << "\n";
        return e.get_exit_code() != 0 ? e.get_exit_code() : 2;
    } catch (const std::exception& e) {
        // One line naming the problem, a non-zero exit: the contract for every bad input.
        std::cerr << "tms: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
