// advx — sweeps of adversarial attribute unlearning for MultVAE recommenders.
// Exit codes: 0 success, 1 runtime failure, 2 bad input (usage, arguments, configs, data, result files).

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "advx/common/edit_distance.h"
#include "advx/common/error.h"
#include "commands.h"
#include "error_text.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

/// The first --word in argv that is no option of `command`, named with the nearest option if one is close
/// ("" when every --word is known). A misspelled option is the cause to report: CLI11 names it only after
/// its own checks, so `advx sweep x.yaml --frmat csv` would otherwise say "--out is required".
std::string unknown_option_message(CLI::App& command, const std::string& where, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") break;  // what follows is positional
    if (word.size() < 3 || word.compare(0, 2, "--") != 0) continue;
    const auto name = word.substr(0, word.find('='));
    if (command.get_option_no_throw(name) != nullptr || name == "--version") continue;
    std::vector<std::string> options;
    for (const CLI::Option* opt : command.get_options())
      for (const auto& lname : opt->get_lnames()) options.push_back("--" + lname);
    const auto near = advx::nearest_match(name, options);
    if (!near.empty()) return fmt::format("{}unknown option '{}' (did you mean '{}'?)", where, name, near);
    return fmt::format("{}unknown option '{}'", where, name);
  }
  return "";
}

/// CLI11 reports a missing or misspelled command as "A subcommand is required"; say which word was not
/// a command, and list the commands there are at that level.
std::string parse_error_message(CLI::App& app, int argc, char** argv, const CLI::ParseError& e) {
  CLI::App* level = &app;
  std::string where;  // "" at the top, "data: " below `advx data`
  auto names = [](CLI::App* a) {
    std::vector<std::string> out;
    for (auto* sub : a->get_subcommands([](CLI::App*) { return true; })) out.push_back(sub->get_name());
    return fmt::format("{}", fmt::join(out, ", "));
  };
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') break;
    const auto subs = level->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) break;
    const auto it = std::find_if(subs.begin(), subs.end(), [&](CLI::App* s) { return s->check_name(word); });
    if (it == subs.end()) {
      // A near miss (analyse, sweeps) is named; otherwise the list.
      std::vector<std::string> commands;
      for (auto* sub : subs) commands.push_back(sub->get_name());
      const auto near = advx::nearest_match(word, commands);
      if (!near.empty()) return fmt::format("{}unknown command '{}' (did you mean '{}'?)", where, word, near);
      return fmt::format("{}unknown command '{}'; the commands are: {}", where, word, names(level));
    }
    level = *it;
    where += word + ": ";
  }
  if (const auto unknown = unknown_option_message(*level, where, argc, argv); !unknown.empty()) return unknown;
  if (std::string(e.what()).find("subcommand is required") != std::string::npos)
    return fmt::format("{}a command is required, one of: {}", where, names(level));
  return e.what();
}

/// The command the arguments selected ("advx data synth"), as far as they were parsed: whose --help to read.
std::string command_path(const CLI::App& app) {
  std::string command = "advx";
  for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
    at = at->get_subcommands().front();
    command += " " + at->get_name();
  }
  return command;
}

/// Whether this process is an MPI (or srun) task other than the first: for `advx sweep`, where every rank
/// parses the same arguments and finds the same mistake, the first reports it and the others only exit with
/// the same code. Other commands always report (a task farm may run a different command per task).
bool quiet_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"})
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return std::string_view(v) != "0";
  return false;
}

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
  advx::cli::add_plan_command(app, selected);
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
    if (!(quiet_rank() && command_path(app) == "advx sweep"))
      std::cerr << fmt::format("advx: error: {}\nRun '{} --help' for usage.\n", parse_error_message(app, argc, argv, e),
                               command_path(app));
    return kExitBadInput;
  }

  try {
    return selected ? selected() : kExitBadInput;
  } catch (const advx::InputError& e) {
    std::cerr << advx::cli::input_error_text(e.what(), command_path(app));
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "advx: failed: " << e.what() << '\n';
    return kExitFailure;
  }
}
