// `advx analyze` — placeholder registration until the analysis layer lands.

#include "commands.h"

namespace advx::cli {

void add_analyze_command(CLI::App& app, Command& selected) {
  auto* cmd = app.add_subcommand("analyze", "Pareto analysis of a result file (not yet available)");
  cmd->callback([&selected] { selected = [] { return 1; }; });
}

}  // namespace advx::cli
