import type { Command } from 'commander';
import type { SetExit } from './io.js';
import { registerApprove } from './commands/approve.js';
import { registerEnroll } from './commands/enroll.js';
import { registerHistory } from './commands/history.js';
import { registerAgent } from './commands/agent.js';
import { registerKeygen } from './commands/keygen.js';
import { registerPublish } from './commands/publish.js';
import { registerReport } from './commands/report.js';
import { registerRollback } from './commands/rollback.js';
import { registerRollout } from './commands/rollout.js';
import { registerStatus } from './commands/status.js';
import { registerVerify } from './commands/verify.js';
import { registerDiff } from './commands/diff.js';
import { registerReconciler } from './commands/reconciler.js';
import { registerIrisd } from './commands/irisd.js';
import { registerIris } from './commands/iris.js';

/** Every `ogygia` subcommand, one file each under cli/commands/. Add new ones here. */
export function registerCommands(program: Command, setExit: SetExit): void {
  registerKeygen(program, setExit);
  registerPublish(program, setExit);
  registerApprove(program, setExit);
  registerEnroll(program, setExit);
  registerVerify(program, setExit);
  registerDiff(program, setExit);
  registerHistory(program, setExit);
  registerRollback(program, setExit);
  registerRollout(program, setExit);
  registerStatus(program, setExit);
  registerReport(program, setExit);
  registerReconciler(program, setExit);
  registerIrisd(program, setExit);
  registerIris(program, setExit);
  registerAgent(program, setExit);
}
