// One function per subcommand, each in its own cmd_*.cpp; run_command
// (dispatch.cpp) picks one. Each returns the exit status and throws on failure.
#pragma once
#include "command.h"

namespace corridor {

int cmd_run(const RunOptions& o);
int cmd_replay(const ReplayOptions& o);
int cmd_import(const ImportOptions& o);
int cmd_export(const ExportOptions& o);
int cmd_validate(const ValidateOptions& o);
int cmd_summary(const SummaryCmdOptions& o);
int cmd_calibrate(const CalibrateOptions& o);
int cmd_backtest(const BacktestOptions& o);
int cmd_schema();
int cmd_inspect(const InspectOptions& o);
int cmd_sweep(const SweepCmdOptions& o);

} // namespace corridor
