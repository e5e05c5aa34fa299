import type { Command } from 'commander';
import { type BackendFlags, type BackendOptionsSpec, addBackendOptions, singleBackend } from '../backend-options.js';
import { loadBackend } from '../backends.js';
import { writeGenerated } from '../generate-stream.js';
import { integerAtLeast, numberAtLeast } from '../flag-values.js';
import { readLanguageModel } from '../lm-files.js';
import { printNotices } from '../notices.js';

interface GenerateFlags extends BackendFlags {
  model: string;
  prefix: string;
  chars: number;
  temperature: number;
  seed: number;
  stream?: boolean;
}

const BACKENDS: BackendOptionsSpec = {
  purpose: 'backend that runs the model',
  isRepeatable: false,
  defaults: ['reference'],
};

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
      .option('--seed <n>', 'sampler seed', integerAtLeast(0), 0)
      .option('--stream', 'print characters as they are produced (default when stdout is a terminal)')
      .option('--no-stream', 'print the text once, when it is complete'),
    BACKENDS,
  ).action(async (f: GenerateFlags) => {
    const choice = singleBackend(f, BACKENDS);
    const lm = await readLanguageModel(f.model);
    const loaded = await loadBackend(choice);
    printNotices(loaded);
    const { backend } = loaded;
    try {
      await writeGenerated(
        backend,
        lm,
        f.prefix,
        { chars: f.chars, temperature: f.temperature, seed: f.seed },
        f.stream,
        process.stdout,
      );
    } finally {
      await backend.dispose();
    }
  });
}
