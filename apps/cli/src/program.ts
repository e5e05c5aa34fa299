import { Command } from 'commander';
import { registerBenchCommand } from './commands/bench.js';
import { registerCheckCommand } from './commands/check.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerExportCommand } from './commands/export.js';
import { registerDepthCommand } from './commands/depth.js';
import { registerGenerateCommand } from './commands/generate.js';
import { registerGoldenCommand } from './commands/golden.js';
import { registerImportCommand } from './commands/import.js';
import { registerInfoCommand } from './commands/info.js';
import { registerPlaygroundCommand } from './commands/playground.js';
import { registerTrainCommand } from './commands/train.js';
import { setVerboseNotices } from './notices.js';

/**
 * The `deeprnn` command with every subcommand registered. Parse errors are thrown (not printed, not
 * exited on) so that the caller reports them as one line with the usage exit code; subcommands
 * inherit that because it is set before they are added.
 */
export function buildProgram(): Command {
  const program = new Command('deeprnn')
    .description('Stacked (deep) RNNs with one semantics and interchangeable backends')
    .version('0.1.0')
    .option('--debug', 'on failure, print the stack trace instead of one line')
    .option('--verbose', 'print every backend start-up notice in full (default: one line per backend)')
    .hook('preAction', (root) => setVerboseNotices(root.opts<{ verbose?: boolean }>().verbose === true))
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  registerInfoCommand(program);
  registerDemoCommand(program);
  registerGoldenCommand(program);
  registerBenchCommand(program);
  registerExportCommand(program);
  registerImportCommand(program);
  registerCheckCommand(program);
  registerTrainCommand(program);
  registerDepthCommand(program);
  registerGenerateCommand(program);
  registerPlaygroundCommand(program);
  return program;
}
