import { type SafetensorsDType, specToConfig, writeSafetensors } from '@deeprnn/core';
import type { Command } from 'commander';
import { readInputFile, requireOutputFile, writeOutputFile } from '../file-checks.js';
import { oneOf } from '../flag-values.js';
import { describeSurroundings, isKerasModelPath, readKerasForCli } from './import-keras.js';

const DTYPES = ['f32', 'f16', 'bf16'] as const;
const SAFETENSORS_DTYPE: Readonly<Record<(typeof DTYPES)[number], SafetensorsDType>> = {
  f32: 'F32',
  f16: 'F16',
  bf16: 'BF16',
};

interface ImportCommandOptions {
  out: string;
  configOut: string;
  dtype: (typeof DTYPES)[number];
}

/**
 * `deeprnn import`: reads a stacked-RNN ONNX model (ours or torch.onnx.export's), a tfjs-layers model.json,
 * a Keras .keras or .h5 into safetensors (float32, float16 or bfloat16) + config JSON.
 */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'import an ONNX stacked RNN (deeprnn or torch.onnx.export), a tfjs-layers model.json or a Keras .keras/.h5 into safetensors weights and a config JSON',
    )
    .argument('<model>', 'the .onnx, model.json, .keras or .h5 file')
    .requiredOption('--out <file>', 'where to write the weights (.safetensors, PyTorch names)')
    .requiredOption('--config-out <file>', 'where to write the config JSON')
    .option('--dtype <type>', 'weights as f32, f16 or bf16 (rounded to nearest even, as PyTorch)', oneOf(DTYPES), 'f32')
    .action(async (model: string, opts: ImportCommandOptions) => {
      requireOutputFile(opts.out, '--out');
      requireOutputFile(opts.configOut, '--config-out');
      const dtype = SAFETENSORS_DTYPE[opts.dtype];
      if (isKerasModelPath(model)) {
        const k = await readKerasForCli(model, 'import');
        const config = specToConfig(k.spec);
        await writeOutputFile(
          opts.out,
          '--out',
          writeSafetensors(k.params, { format: 'pt', 'deeprnn.config': JSON.stringify(config) }, { dtype }),
        );
        await writeOutputFile(opts.configOut, '--config-out', `${JSON.stringify(config, null, 2)}\n`);
        process.stdout.write(
          `read ${model} (${k.kerasVersion ?? 'unknown Keras version'}, layers ${k.layerNames.join(', ')})\n`,
        );
        process.stdout.write(
          `wrote ${opts.out} (${Object.keys(k.params).length} tensors, ${dtype}) and ${opts.configOut}: ${JSON.stringify(config)}\n`,
        );
        const around = describeSurroundings(k);
        if (around.length > 0)
          process.stderr.write(
            `note: around the stack (not in the config; @deeprnn/keras predictKeras runs them):\n${around.map((l) => `  ${l}\n`).join('')}`,
          );
        return;
      }
      const { importOnnx } = await import('@deeprnn/onnx');
      const imported = await readInputFile(model, 'import', 'an ONNX model', 'model', (bytes) => importOnnx(bytes));
      const config = specToConfig(imported.spec);
      const weights = writeSafetensors(
        imported.params,
        { format: 'pt', 'deeprnn.config': JSON.stringify(config) },
        { dtype },
      );
      await writeOutputFile(opts.out, '--out', weights);
      await writeOutputFile(opts.configOut, '--config-out', `${JSON.stringify(config, null, 2)}\n`);
      process.stdout.write(
        `read ${model} (producer ${imported.producer || 'unknown'}, opset ${imported.opset}, spec from ${imported.specSource})\n`,
      );
      process.stdout.write(
        `wrote ${opts.out} (${Object.keys(imported.params).length} tensors, ${dtype}) and ${opts.configOut}: ${JSON.stringify(config)}\n`,
      );
      if (imported.isTimeReversed) {
        process.stderr.write(
          'warning: the model is a single reverse-direction node; deeprnn runs it as the forward spec on time-reversed sequences, which the config alone does not record\n',
        );
      }
      if (imported.isUnbatched)
        process.stderr.write(
          'note: the graph takes unbatched [T, I] input; the weights are the same for batched use\n',
        );
    });
}
