import type { RnnParams, RnnSpec } from '@deeprnn/core';
import { InputError } from '../cli-errors.js';
import { prepareOutputFolder } from '../file-checks.js';

const QUANTIZATION = { f16: 'float16', uint16: 'uint16', uint8: 'uint8' } as const;

/**
 * `deeprnn export --format tfjs-layers --out DIR [--quantize f16|uint16|uint8]`: a model.json and one
 * shard that `tf.loadLayersModel` loads; a spec tfjs-layers cannot represent is refused with the reason.
 */
export async function exportTfjsLayersFolder(spec: RnnSpec, params: RnnParams, dir: string, quantize: keyof typeof QUANTIZATION | undefined): Promise<void> {
  const { tfjsLayersUnsupported, writeTfjsLayersModel } = await import('@deeprnn/keras/node');
  const why = tfjsLayersUnsupported(spec);
  if (why !== null) throw new InputError(`export --format tfjs-layers: ${why}`);
  prepareOutputFolder(dir, '--out');
  const e = await writeTfjsLayersModel(dir, { spec, params }, { quantize: quantize === undefined ? null : QUANTIZATION[quantize] });
  const kind = quantize === undefined ? 'float32' : QUANTIZATION[quantize];
  process.stdout.write(`wrote ${dir}/model.json and ${dir}/${e.weightsPath} (${e.weights.length} bytes, ${kind} weights, ${spec.mode} x ${spec.numLayers} layers; the model takes batch-major [B, T, ${spec.inputSize}])\n`);
  if (quantize !== undefined) process.stdout.write(`quantization: the largest weight changed by ${e.maxQuantizationError.toExponential(3)}\n`);
}
