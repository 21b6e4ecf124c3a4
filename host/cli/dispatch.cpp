#include "commands.h"

namespace corridor {

int run_command(const ParsedCommand& pc) {
  switch (pc.command) {
  case Command::run:
    return cmd_run(pc.run);
  case Command::replay:
    return cmd_replay(pc.replay);
  case Command::import:
    return cmd_import(pc.import);
  case Command::export_:
    return cmd_export(pc.export_);
  case Command::validate:
    return cmd_validate(pc.validate);
  case Command::summary:
    return cmd_summary(pc.summary);
  case Command::calibrate:
    return cmd_calibrate(pc.calibrate);
  case Command::backtest:
    return cmd_backtest(pc.backtest);
  case Command::schema:
    return cmd_schema();
  case Command::inspect:
    return cmd_inspect(pc.inspect);
  case Command::sweep:
    return cmd_sweep(pc.sweep);
  case Command::help:
  case Command::version:
  case Command::none:
    break;
  }
  return 0;
}

} // namespace corridor
