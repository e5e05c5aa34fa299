import { specToConfig, writeSafetensors } from '@deeprnn/core';
import type { Command } from 'commander';
import { readInputFile, requireOutputFile, writeOutputFile } from '../file-checks.js';

interface ImportCommandOptions {
  out: string;
  configOut: string;
}

/** `deeprnn import`: reads a stacked-RNN ONNX model (ours or torch.onnx.export's) into safetensors + config JSON. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import an ONNX stacked RNN (deeprnn or torch.onnx.export) into safetensors weights and a config JSON')
    .argument('<model>', 'the .onnx file')
    .requiredOption('--out <file>', 'where to write the weights (.safetensors, PyTorch names)')
    .requiredOption('--config-out <file>', 'where to write the config JSON')
    .action(async (model: string, opts: ImportCommandOptions) => {
      requireOutputFile(opts.out, '--out');
      requireOutputFile(opts.configOut, '--config-out');
      const { importOnnx } = await import('@deeprnn/onnx');
      const imported = await readInputFile(model, 'import', 'an ONNX model', 'model', (bytes) => importOnnx(bytes));
      const config = specToConfig(imported.spec);
      const weights = writeSafetensors(imported.params, { format: 'pt', 'deeprnn.config': JSON.stringify(config) });
      await writeOutputFile(opts.out, '--out', weights);
      await writeOutputFile(opts.configOut, '--config-out', `${JSON.stringify(config, null, 2)}\n`);
      process.stdout.write(`read ${model} (producer ${imported.producer || 'unknown'}, opset ${imported.opset}, spec from ${imported.specSource})\n`);
      process.stdout.write(`wrote ${opts.out} (${Object.keys(imported.params).length} tensors) and ${opts.configOut}: ${JSON.stringify(config)}\n`);
      if (imported.isTimeReversed) {
        process.stderr.write('warning: the model is a single reverse-direction node; deeprnn runs it as the forward spec on time-reversed sequences, which the config alone does not record\n');
      }
      if (imported.isUnbatched) process.stderr.write('note: the graph takes unbatched [T, I] input; the weights are the same for batched use\n');
    });
}
