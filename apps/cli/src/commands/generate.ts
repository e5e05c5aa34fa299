import { generate } from '@deeprnn/lm';
import type { Command } from 'commander';
import { type BackendFlags, type BackendOptionsSpec, addBackendOptions, singleBackend } from '../backend-options.js';
import { loadBackend } from '../backends.js';
import { integerAtLeast, numberAtLeast } from '../flag-values.js';
import { readLanguageModel } from '../lm-files.js';
import { printNotices } from '../notices.js';

interface GenerateFlags extends BackendFlags {
  model: string;
  prefix: string;
  chars: number;
  temperature: number;
  seed: number;
}

const BACKENDS: BackendOptionsSpec = { purpose: 'backend that runs the model', isRepeatable: false, defaults: ['reference'] };

/** `deeprnn generate`: continue a prefix with a trained model, on any backend (inference only). */
export function registerGenerateCommand(program: Command): void {
  addBackendOptions(
    program
      .command('generate')
      .description('continue a prefix with a model saved by `deeprnn train` (any backend)')
      .requiredOption('--model <dir>', 'folder written by `deeprnn train` (or a checkpoint file)')
      .option('--prefix <text>', 'text to continue', 'time traveller')
      .option('--chars <n>', 'characters to generate', integerAtLeast(0), 50)
      .option('--temperature <t>', '0: greedy (d2l); > 0: sample from softmax(logits / t)', numberAtLeast(0), 0)
      .option('--seed <n>', 'sampler seed', integerAtLeast(0), 0),
    BACKENDS,
  ).action(async (f: GenerateFlags) => {
    const choice = singleBackend(f, BACKENDS);
    const lm = await readLanguageModel(f.model);
    const loaded = await loadBackend(choice);
    printNotices(loaded);
    const { backend } = loaded;
    try {
      const text = await generate(backend, lm, f.prefix, { chars: f.chars, temperature: f.temperature, seed: f.seed });
      process.stdout.write(`${text}\n`);
    } finally {
      await backend.dispose();
    }
  });
}
