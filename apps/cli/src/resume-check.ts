import type { TrainConfig } from '@deeprnn/lm';
import type { Command } from 'commander';
import { UsageError } from './cli-errors.js';

/** Each recipe flag and the value it sets in a training config (what a checkpoint stores). */
const RECIPE_FIELDS: readonly (readonly [
  flag: string,
  option: string | readonly string[],
  value: (c: TrainConfig) => unknown,
])[] = [
  ['--mode', 'mode', (c) => c.model.mode],
  ['--hidden', 'hidden', (c) => c.model.hiddenSize],
  ['--layers', 'layers', (c) => c.model.numLayers],
  ['--optimizer', 'optimizer', (c) => c.optimizer.name],
  ['--lr', 'lr', (c) => c.optimizer.lr],
  ['--batch', 'batch', (c) => c.batch],
  ['--steps', 'steps', (c) => c.steps],
  ['--partition', 'partition', (c) => c.partition],
  // --clip is the old name of --grad-clip.
  ['--grad-clip', ['gradClip', 'clip'], (c) => c.gradClipNorm ?? 0],
  ['--dropout', 'dropout', (c) => c.model.rnn?.dropout ?? 0],
  ['--seed', 'seed', (c) => c.seed],
];

/**
 * `--resume` continues the checkpoint's recipe bit-identically; a recipe flag given on the command
 * line with another value would be silently ignored, so it is refused, naming the field and both values.
 */
export function refuseChangedRecipe(cmd: Command, asked: TrainConfig, checkpoint: TrainConfig, where: string): void {
  for (const [flag, option, value] of RECIPE_FIELDS) {
    const options = typeof option === 'string' ? [option] : option;
    if (!options.some((o) => cmd.getOptionValueSource(o) === 'cli')) continue;
    const want = value(asked);
    const have = value(checkpoint);
    if (want !== have) {
      throw new UsageError(
        `--resume: ${flag} ${String(want)} differs from the checkpoint's ${String(have)} (${where}); drop ${flag} to continue the run, or train into another --out`,
      );
    }
  }
}
