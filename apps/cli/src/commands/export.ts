import {
  type RnnConfig,
  type RnnParams,
  type RnnSpec,
  defineSpec,
  parseGoldenCase,
  readSafetensors,
} from '@deeprnn/core';
import type { Command } from 'commander';
import { UsageError } from '../cli-errors.js';
import { readInputFile as fromFile, requireOutputFile, utf8, writeOutputFile } from '../file-checks.js';
import { integerIn, oneOf } from '../flag-values.js';
import { exportTfjsLayersFolder } from './export-keras.js';

const LOWERINGS = ['auto', 'node', 'loop'] as const;
const FORMATS = ['onnx', 'tfjs-layers'] as const;
const QUANTIZE = ['f16', 'uint16', 'uint8'] as const;

interface ExportCommandOptions {
  config?: string;
  weights?: string;
  golden?: string;
  out: string;
  opset: number;
  lowering: (typeof LOWERINGS)[number];
  lengths?: boolean;
  format: (typeof FORMATS)[number];
  quantize?: (typeof QUANTIZE)[number];
}

const readJson = (bytes: Uint8Array): unknown => JSON.parse(utf8(bytes));

/** The spec and weights to export: from a golden case, or from a config JSON plus a safetensors file. */
async function loadModel(opts: ExportCommandOptions): Promise<{ spec: RnnSpec; params: RnnParams }> {
  if (opts.golden) {
    if (opts.config || opts.weights)
      throw new UsageError(
        '--golden takes config and weights from the case; drop --config and --weights, or drop --golden',
      );
    const golden = opts.golden;
    const c = await fromFile(golden, '--golden', 'a golden case JSON', 'case', (b) =>
      parseGoldenCase(readJson(b), golden),
    );
    return { spec: c.spec, params: c.params };
  }
  if (!opts.config || !opts.weights)
    throw new UsageError('expected --config C.json and --weights W.safetensors, or --golden CASE.json');
  const spec = await fromFile(opts.config, '--config', 'an RnnConfig JSON', 'json', (b) =>
    defineSpec(readJson(b) as RnnConfig),
  );
  const { tensors } = await fromFile(opts.weights, '--weights', 'a safetensors file', 'model', (b) =>
    readSafetensors(b),
  );
  return { spec, params: tensors };
}

/** `deeprnn export`: writes a model as ONNX (atomically). */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export a model to ONNX: --config C.json --weights W.safetensors, or --golden CASE.json')
    .option('--config <file>', 'model config JSON (the RnnConfig of @deeprnn/core)')
    .option('--weights <file>', 'weights as safetensors with PyTorch state_dict names')
    .option('--golden <file>', 'take config and weights from a golden case file')
    .requiredOption('--out <file>', 'where to write the .onnx model')
    .option('--opset <n>', 'ONNX opset, 14 to 17', integerIn(14, 17), 14)
    .option(
      '--lowering <kind>',
      'auto (RNN/GRU/LSTM nodes; Loop where they cannot express the model), node or loop',
      oneOf(LOWERINGS),
      'auto',
    )
    .option('--lengths', 'declare a sequence_lens input')
    .option(
      '--format <format>',
      'onnx (a .onnx file) or tfjs-layers (a folder: model.json + weights.bin for tf.loadLayersModel)',
      oneOf(FORMATS),
      'onnx',
    )
    .option(
      '--quantize <type>',
      'tfjs-layers only: store weights as f16, uint16 or uint8 (prints the largest weight change)',
      oneOf(QUANTIZE),
    )
    .action(async (opts: ExportCommandOptions) => {
      if (opts.format === 'tfjs-layers') {
        const { spec, params } = await loadModel(opts);
        await exportTfjsLayersFolder(spec, params, opts.out, opts.quantize);
        return;
      }
      if (opts.quantize !== undefined) throw new UsageError('--quantize applies to --format tfjs-layers only');
      requireOutputFile(opts.out, '--out');
      const { spec, params } = await loadModel(opts);
      const { exportOnnx, chooseLowering } = await import('@deeprnn/onnx');
      const bytes = exportOnnx(spec, params, {
        opset: opts.opset,
        lowering: opts.lowering,
        sequenceLengths: opts.lengths === true,
      });
      await writeOutputFile(opts.out, '--out', bytes);
      process.stdout.write(
        `wrote ${opts.out} (${bytes.length} bytes, opset ${opts.opset}, ${chooseLowering(spec, opts.lowering)} lowering, ${spec.mode} x ${spec.numLayers} layers)\n`,
      );
    });
}
