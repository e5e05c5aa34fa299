import { readFileSync } from 'node:fs';
import { type RnnConfig, type RnnParams, type RnnSpec, FormatError, defineSpec, parseGoldenCase, readSafetensors } from '@deeprnn/core';
import { type Command, InvalidArgumentError } from 'commander';
import writeFileAtomic from 'write-file-atomic';

interface ExportCommandOptions {
  config?: string;
  weights?: string;
  golden?: string;
  out: string;
  opset: number;
  lowering: 'auto' | 'node' | 'loop';
  lengths?: boolean;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new FormatError(`${path}: not readable JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

/** The spec and weights to export: from a golden case, or from a config JSON plus a safetensors file. */
function loadModel(opts: ExportCommandOptions): { spec: RnnSpec; params: RnnParams } {
  if (opts.golden) {
    if (opts.config || opts.weights) throw new InvalidArgumentError('--golden takes config and weights from the case; drop --config/--weights');
    const c = parseGoldenCase(readJson(opts.golden), opts.golden);
    return { spec: c.spec, params: c.params };
  }
  if (!opts.config || !opts.weights) throw new InvalidArgumentError('give --config C.json and --weights W.safetensors, or --golden CASE.json');
  const spec = defineSpec(readJson(opts.config) as RnnConfig);
  const { tensors } = readSafetensors(new Uint8Array(readFileSync(opts.weights)));
  return { spec, params: tensors };
}

function opsetArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer opset, got '${value}'`);
  return n;
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
    .option('--opset <n>', 'ONNX opset, 14 to 17', opsetArg, 14)
    .option('--lowering <kind>', 'auto (RNN/GRU/LSTM nodes; Loop where they cannot express the model), node or loop', 'auto')
    .option('--lengths', 'declare a sequence_lens input')
    .action(async (opts: ExportCommandOptions) => {
      const { spec, params } = loadModel(opts);
      const { exportOnnx, chooseLowering } = await import('@deeprnn/onnx');
      const bytes = exportOnnx(spec, params, { opset: opts.opset, lowering: opts.lowering, sequenceLengths: opts.lengths === true });
      await writeFileAtomic(opts.out, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      process.stdout.write(`wrote ${opts.out} (${bytes.length} bytes, opset ${opts.opset}, ${chooseLowering(spec, opts.lowering)} lowering, ${spec.mode} x ${spec.numLayers} layers)\n`);
    });
}
