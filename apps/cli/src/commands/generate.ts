import { ConfigError } from '@deeprnn/core';
import { generate, loadModel } from '@deeprnn/lm/node';
import type { Command } from 'commander';
import { loadBackend } from '../backends.js';

interface GenerateFlags {
  model: string;
  prefix: string;
  chars: string;
  backend: string;
  dtype?: string;
  engine?: string;
  provider?: string;
  temperature: string;
  seed: string;
}

/** `deeprnn generate`: continue a prefix with a trained model, on any backend (inference only). */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('continue a prefix with a model saved by `deeprnn train` (any backend)')
    .requiredOption('--model <dir>', 'folder written by `deeprnn train` (or a checkpoint file)')
    .option('--prefix <text>', 'text to continue', 'time traveller')
    .option('--chars <n>', 'characters to generate', '50')
    .option('--backend <name>', 'reference, onnxruntime or tfjs', 'reference')
    .option('--dtype <dtype>', 'reference backend precision')
    .option('--engine <engine>', 'tfjs engine')
    .option('--provider <ep>', 'onnxruntime execution provider')
    .option('--temperature <t>', '0: greedy (d2l); > 0: sample from softmax(logits / t)', '0')
    .option('--seed <n>', 'sampler seed', '0')
    .action(async (f: GenerateFlags) => {
      const chars = Number(f.chars);
      const temperature = Number(f.temperature);
      if (!Number.isInteger(chars) || chars < 0) throw new ConfigError(`--chars must be a non-negative integer, got '${f.chars}'`);
      if (!Number.isFinite(temperature) || temperature < 0) throw new ConfigError(`--temperature must be >= 0, got '${f.temperature}'`);
      const lm = await loadModel(f.model);
      const { backend, notices } = await loadBackend({
        name: f.backend,
        ...(f.dtype ? { dtype: f.dtype as 'float32' | 'float64' } : {}),
        ...(f.engine ? { engine: f.engine } : {}),
        ...(f.provider ? { provider: f.provider } : {}),
      });
      for (const n of notices) process.stderr.write(`note: ${n}\n`);
      try {
        const text = await generate(backend, lm, f.prefix, { chars, temperature, seed: Number(f.seed) || 0 });
        process.stdout.write(`${text}\n`);
      } finally {
        await backend.dispose();
      }
    });
}
