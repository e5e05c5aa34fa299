import * as tf from '@tensorflow/tfjs';
import { SeededRandom, type Tensor, tensor } from '@deeprnn/core';
import { encodeWeight } from '../src/index.js';
import type { QuantizationDType } from '../src/index.js';

/** A random tfjs-layers model, as the property draws it. */
export interface ModelRecipe {
  readonly cell: 'SimpleRNN' | 'GRU' | 'LSTM';
  readonly units: number;
  readonly depth: number;
  readonly inputSize: number;
  readonly bidirectional: boolean;
  readonly mergeMode: 'concat' | 'sum' | 'ave' | 'mul';
  readonly goBackwards: boolean;
  readonly front: 'none' | 'masking' | 'embedding';
  readonly returnSequences: boolean;
  readonly activation: 'tanh' | 'relu' | 'sigmoid' | 'linear' | 'selu';
  readonly recurrentActivation: 'sigmoid' | 'hardSigmoid' | 'tanh';
  readonly useBias: boolean;
  readonly dense: boolean;
  readonly quantize: QuantizationDType | null;
  readonly seed: number;
}

export const VOCAB = 7;

/** Builds the tfjs-layers model of a recipe, weights drawn uniform(-0.6, 0.6) from the recipe's seed. */
export function buildModel(r: ModelRecipe): tf.Sequential {
  const model = tf.sequential();
  const inputShape = [null, r.inputSize] as [null, number];
  if (r.front === 'masking') model.add(tf.layers.masking({ inputShape, maskValue: 0 }));
  if (r.front === 'embedding')
    model.add(tf.layers.embedding({ inputDim: VOCAB, outputDim: r.inputSize, maskZero: true, inputShape: [null] }));
  for (let l = 0; l < r.depth; l++) {
    const top = l === r.depth - 1;
    const args = {
      units: r.units,
      activation: r.activation,
      useBias: r.useBias,
      returnSequences: top ? r.returnSequences : true,
      goBackwards: l === 0 && r.goBackwards,
      // Orthogonal initialisation is slow in tfjs; the weights are overwritten below anyway.
      recurrentInitializer: 'glorotUniform',
      ...(r.cell === 'SimpleRNN' ? {} : { recurrentActivation: r.recurrentActivation }),
      ...(l === 0 && r.front === 'none' && !r.bidirectional ? { inputShape } : {}),
    } as const;
    const layer =
      r.cell === 'LSTM' ? tf.layers.lstm(args) : r.cell === 'GRU' ? tf.layers.gru(args) : tf.layers.simpleRNN(args);
    if (r.bidirectional) {
      const inner = { layer: layer as unknown as tf.RNN, mergeMode: top ? r.mergeMode : 'concat' } as const;
      model.add(tf.layers.bidirectional(l === 0 && r.front === 'none' ? { ...inner, inputShape } : inner));
    } else model.add(layer);
  }
  if (r.dense) model.add(tf.layers.dense({ units: 2, activation: 'tanh' }));
  const rng = new SeededRandom(r.seed);
  model.setWeights(
    model.getWeights().map((w) =>
      tf.tensor(
        Array.from({ length: w.size }, () => rng.uniform(-0.6, 0.6)),
        w.shape,
      ),
    ),
  );
  return model;
}

/** What `model.save` hands a save handler. */
export async function saveArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved as tf.io.ModelArtifacts;
}

/** The artifacts with every weight quantized (our encoder; tfjs' own decoder reads them back). */
export function quantizeArtifacts(a: tf.io.ModelArtifacts, q: QuantizationDType): tf.io.ModelArtifacts {
  const data = new Uint8Array(a.weightData as ArrayBuffer);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const spec of a.weightSpecs ?? []) {
    const n = spec.shape.reduce((x, y) => x * y, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = view.getFloat32(at + 4 * i, true);
    at += 4 * n;
    const enc = encodeWeight(spec.name, tensor(values, spec.shape), q);
    specs.push(enc.spec as tf.io.WeightsManifestEntry);
    parts.push(enc.bytes);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return { ...a, weightSpecs: specs, weightData: out.buffer };
}

/** tfjs-layers' own `predict` on a tensor (float32 out). */
export async function tfjsPredict(model: tf.LayersModel, x: Tensor): Promise<Tensor> {
  await tf.setBackend('cpu');
  const out = tf.tidy(() => model.predict(tf.tensor(Array.from(x.data), [...x.shape])) as tf.Tensor);
  const data = Float32Array.from(await out.data());
  const shape = out.shape;
  out.dispose();
  return tensor(data, shape);
}
