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

/** The `deeprnn` command with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command('deeprnn')
    .description('Stacked (deep) RNNs with one semantics and interchangeable backends')
    .version('0.1.0')
    .showHelpAfterError();
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
