#pragma once
// The CLI's subcommands. Each `add_*` registers its options on the parent app and returns a callable
// that runs the command after parsing; the callable returns the process exit code. Library errors
// propagate as exceptions to main(), the one place that maps them to messages and exit codes.

#include <functional>

#include <CLI/CLI.hpp>

namespace advx::cli {

using Command = std::function<int()>;

/// `advx data inspect` and `advx data synth`.
void add_data_commands(CLI::App& app, Command& selected);

/// `advx train`.
void add_train_command(CLI::App& app, Command& selected);

/// `advx sweep`, `advx merge`, `advx results`.
void add_sweep_commands(CLI::App& app, Command& selected);

/// `advx plan` (src/cli/plan_command.cpp).
void add_plan_command(CLI::App& app, Command& selected);

/// `advx slurm` (src/cli/slurm_command.cpp).
void add_slurm_command(CLI::App& app, Command& selected);

/// `advx analyze` (src/cli/analyze_command.cpp).
void add_analyze_command(CLI::App& app, Command& selected);

}  // namespace advx::cli
