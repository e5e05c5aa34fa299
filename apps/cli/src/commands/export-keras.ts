import { type RnnParams, type RnnSpec, UnsupportedError } from '@deeprnn/core';
import { InputError, OutputError } from '../cli-errors.js';
import { prepareOutputFolder } from '../file-checks.js';

const QUANTIZATION = { f16: 'float16', uint16: 'uint16', uint8: 'uint8' } as const;

/**
 * `deeprnn export --format tfjs-layers --out DIR [--quantize f16|uint16|uint8]`: a model.json and one
 * shard that `tf.loadLayersModel` loads; a spec tfjs-layers cannot represent is refused with the reason.
 */
export async function exportTfjsLayersFolder(
  spec: RnnSpec,
  params: RnnParams,
  dir: string,
  quantize: keyof typeof QUANTIZATION | undefined,
): Promise<void> {
  const { tfjsLayersUnsupported, writeTfjsLayersModel } = await import('@deeprnn/keras/node');
  const why = tfjsLayersUnsupported(spec);
  if (why !== null) throw new InputError(`export --format tfjs-layers: ${why}`);
  prepareOutputFolder(dir, '--out');
  let e: Awaited<ReturnType<typeof writeTfjsLayersModel>>;
  try {
    e = await writeTfjsLayersModel(
      dir,
      { spec, params },
      { quantize: quantize === undefined ? null : QUANTIZATION[quantize] },
    );
  } catch (err) {
    // A weight the quantization cannot hold (float16 past 65504) is the input's fault; anything else is the write's.
    if (err instanceof UnsupportedError)
      throw new InputError(`export --format tfjs-layers: ${err.message}`, { cause: err });
    const cause = (err as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    throw new OutputError(`--out: ${err instanceof Error ? err.message : String(err)}${code}`, { cause: err });
  }
  const kind = quantize === undefined ? 'float32' : QUANTIZATION[quantize];
  process.stdout.write(
    `wrote ${dir}/model.json and ${dir}/${e.weightsPath} (${e.weights.length} bytes, ${kind} weights, ${spec.mode} x ${spec.numLayers} layers; the model takes batch-major [B, T, ${spec.inputSize}])\n`,
  );
  if (quantize !== undefined)
    process.stdout.write(`quantization: the largest weight changed by ${e.maxQuantizationError.toExponential(3)}\n`);
}
