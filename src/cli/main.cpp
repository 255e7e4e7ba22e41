// advx — sweeps of adversarial attribute unlearning for MultVAE recommenders.
// Exit codes: 0 success, 1 runtime failure, 2 bad input (usage, arguments, configs, data, result files).

#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "advx/common/error.h"
#include "commands.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"advx " ADVX_VERSION " — fairness sweeps for MultVAE recommenders with adversarial "
               "removal of protected user attributes"};
  app.name("advx");
  app.set_version_flag("--version", ADVX_VERSION);
  app.require_subcommand(1);
  advx::cli::Command selected;
  advx::cli::add_data_commands(app, selected);
  advx::cli::add_train_command(app, selected);
  advx::cli::add_sweep_commands(app, selected);
  advx::cli::add_slurm_command(app, selected);
  advx::cli::add_analyze_command(app, selected);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, then where to look; never the whole help text.
    std::cerr << fmt::format("advx: error: {}\nRun 'advx --help' (or 'advx <command> --help') for usage.\n", e.what());
    return kExitBadInput;
  }

  try {
    return selected ? selected() : kExitBadInput;
  } catch (const advx::InputError& e) {
    std::cerr << "advx: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "advx: failed: " << e.what() << '\n';
    return kExitFailure;
  }
}
