import { type RnnParams, type Tensor, defineSpec, formatShape, gateCount, paramKey, sameShape } from '@deeprnn/core';
import {
  type LayerConfig,
  activationField,
  boolField,
  intField,
  layerConfig,
  malformed,
  numberField,
  refuse,
} from './config-fields.js';
import { biasToTorch, kernelToWeight } from './gate-order.js';
import { RECURRENT_CLASSES, type RecurrentLayer, checkSameStack, readRecurrentLayer } from './rnn-layer.js';
import { type LayerChain, readLayerChain } from './topology.js';
import type { DenseActivation, KerasDense, KerasEmbedding, KerasImport, KerasInitialState } from './types.js';

/** The weights of one Keras layer in the order Keras lists them (kernel, recurrent kernel, bias; forward then backward). */
export type LayerWeights = (layer: LayerConfig) => readonly Tensor[];

// Identity at inference time.
const INFERENCE_IDENTITY = new Set([
  'Dropout',
  'SpatialDropout1D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ActivityRegularization',
]);
const DENSE_ACTIVATIONS: ReadonlySet<string> = new Set([
  'linear',
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'softplus',
  'softsign',
  'elu',
]);

function expectShape(layer: LayerConfig, what: string, t: Tensor | undefined, shape: readonly number[]): Tensor {
  if (t === undefined) malformed(`layer '${layer.name}' has no ${what} weight (expected ${formatShape(shape)})`);
  if (!sameShape(t.shape, shape))
    malformed(`layer '${layer.name}' ${what} has shape ${formatShape(t.shape)}, expected ${formatShape(shape)}`);
  return t;
}

function readDense(layer: LayerConfig, weights: LayerWeights, inFeatures: number): KerasDense {
  const units = intField(layer, 'units');
  const activation = activationField(layer, 'activation', 'linear');
  if (!DENSE_ACTIVATIONS.has(activation))
    refuse(layer, 'activation', `'${activation}' is not one of ${[...DENSE_ACTIVATIONS].join(', ')}`);
  const useBias = boolField(layer, 'use_bias', true);
  const [kernel, bias] = weights(layer);
  return {
    name: layer.name,
    units,
    activation: activation as DenseActivation,
    kernel: expectShape(layer, 'kernel', kernel, [inFeatures, units]),
    bias: useBias ? expectShape(layer, 'bias', bias, [units]) : null,
  };
}

function readEmbedding(layer: LayerConfig, weights: LayerWeights): KerasEmbedding {
  const inputDim = intField(layer, 'input_dim');
  const outputDim = intField(layer, 'output_dim');
  const [weight] = weights(layer);
  return {
    name: layer.name,
    inputDim,
    outputDim,
    maskZero: boolField(layer, 'mask_zero', false),
    weight: expectShape(layer, 'embeddings', weight, [inputDim, outputDim]),
  };
}

/** Adds one recurrent layer's parameters (both directions) under PyTorch names. */
function addRecurrentParams(
  out: Record<string, Tensor>,
  r: RecurrentLayer,
  index: number,
  inFeatures: number,
  weights: LayerWeights,
): void {
  const H = r.units;
  const G = gateCount(r.mode);
  const list = weights(r.layer);
  const per = r.useBias ? 3 : 2;
  if (list.length !== per * (r.bidirectional ? 2 : 1)) {
    malformed(`layer '${r.layer.name}' has ${list.length} weights, expected ${per * (r.bidirectional ? 2 : 1)}`);
  }
  for (let d = 0; d < (r.bidirectional ? 2 : 1); d++) {
    const reverse = d === 1;
    const kernel = expectShape(r.layer, 'kernel', list[d * per], [inFeatures, G * H]);
    const recurrent = expectShape(r.layer, 'recurrent_kernel', list[d * per + 1], [H, G * H]);
    out[paramKey('weight', 'ih', index, reverse)] = kernelToWeight(kernel, r.mode, H);
    out[paramKey('weight', 'hh', index, reverse)] = kernelToWeight(recurrent, r.mode, H);
    if (r.useBias) {
      // reset_after keeps separate input and recurrent biases ([2, 3H]); otherwise one bias, all on the input side.
      const twoRows = r.mode === 'gru' && r.resetAfter;
      const bias = expectShape(r.layer, 'bias', list[d * per + 2], twoRows ? [2, G * H] : [G * H]);
      out[paramKey('bias', 'ih', index, reverse)] = biasToTorch(bias.data, 0, r.mode, H);
      out[paramKey('bias', 'hh', index, reverse)] = twoRows
        ? biasToTorch(bias.data, G * H, r.mode, H)
        : biasToTorch(new Float32Array(G * H), 0, r.mode, H);
    }
  }
}

function initialStates(r: RecurrentLayer, index: number, names: readonly string[]): KerasInitialState[] {
  const kinds: ('h' | 'c')[] = r.mode === 'lstm' ? ['h', 'c'] : ['h'];
  const want = kinds.length * (r.bidirectional ? 2 : 1);
  if (names.length !== want)
    refuse(r.layer, 'initial_state', `${names.length} state inputs, a ${r.mode} layer takes ${want}`);
  return names.map((input, i) => ({
    input,
    layer: index,
    direction: (i >= kinds.length ? 1 : 0) as 0 | 1,
    state: kinds[i % kinds.length] as 'h' | 'c',
  }));
}

/**
 * Maps a Keras model (its layer chain and weights) to a deeprnn spec, PyTorch-named parameters and a
 * description of what surrounds the stack.
 *
 * @throws {@link UnsupportedError} naming the layer and field for anything deeprnn cannot represent exactly.
 * @throws {@link FormatError} for missing or mis-shaped weights.
 */
export function importLayerChain(chain: LayerChain, weights: LayerWeights): KerasImport {
  let embedding: KerasEmbedding | null = null;
  let maskValue: number | null = null;
  const recurrent: RecurrentLayer[] = [];
  const head: KerasDense[] = [];
  const params: Record<string, Tensor> = {};
  const states: KerasInitialState[] = [];
  let features: number | null = null;
  for (const [i, raw] of chain.layers.entries()) {
    const layer =
      raw.className === 'TimeDistributed'
        ? { ...layerConfig(raw.config.layer, `layer '${raw.name}' field 'layer'`), name: raw.name }
        : raw;
    if (INFERENCE_IDENTITY.has(layer.className)) continue;
    const extra = chain.extraInputs.get(i);
    if (extra !== undefined && !RECURRENT_CLASSES.has(layer.className) && layer.className !== 'Bidirectional') {
      refuse(
        layer,
        'inbound_nodes',
        `takes ${extra.length + 1} inputs; only recurrent layers take extra (initial state) inputs`,
      );
    }
    if (layer.className === 'Masking' || layer.className === 'Embedding') {
      if (recurrent.length > 0 || embedding !== null || maskValue !== null)
        refuse(layer, 'class_name', 'masking and embedding layers must come first, once');
      if (layer.className === 'Masking') maskValue = numberField(layer, 'mask_value', 0);
      else {
        embedding = readEmbedding(layer, weights);
        features = embedding.outputDim;
      }
    } else if (RECURRENT_CLASSES.has(layer.className) || layer.className === 'Bidirectional') {
      if (head.length > 0)
        refuse(layer, 'class_name', 'a recurrent layer after a Dense layer does not continue the stack');
      const r = readRecurrentLayer(layer, chain.kerasVersion);
      const previous = recurrent[recurrent.length - 1];
      if (previous !== undefined) {
        checkSameStack(recurrent[0] as RecurrentLayer, r);
        if (!previous.returnSequences)
          refuse(previous.cell, 'return_sequences', 'is false below another recurrent layer, which then sees one step');
        if (previous.mergeMode !== 'concat')
          refuse(
            previous.layer,
            'merge_mode',
            `is ${previous.mergeMode} below another layer; deeprnn stacks concatenate the directions between layers`,
          );
        if (r.goBackwards)
          refuse(
            r.cell,
            'go_backwards',
            'only the first layer of a stack may run backwards (the stack then runs on the reversed sequence)',
          );
      }
      if (features === null) {
        const list = weights(r.layer);
        features = list[0]?.shape[0] ?? malformed(`layer '${r.layer.name}' has no kernel`);
      }
      addRecurrentParams(params, r, recurrent.length, features, weights);
      if (extra !== undefined) states.push(...initialStates(r, recurrent.length, extra));
      recurrent.push(r);
      features = r.units * (r.bidirectional && r.mergeMode === 'concat' ? 2 : 1);
    } else if (layer.className === 'Dense') {
      if (recurrent.length === 0)
        refuse(layer, 'class_name', 'a Dense layer before the recurrent stack is not supported');
      const dense = readDense(layer, weights, features as number);
      head.push(dense);
      features = dense.units;
    } else {
      refuse(
        layer,
        'class_name',
        `${layer.className} is not part of a recurrent stack deeprnn imports (Masking/Embedding, SimpleRNN/GRU/LSTM/Bidirectional, Dense, Dropout)`,
      );
    }
  }
  const first = recurrent[0];
  const top = recurrent[recurrent.length - 1];
  if (first === undefined || top === undefined) return malformed('the model has no SimpleRNN, GRU or LSTM layer');
  const masked = maskValue !== null || embedding?.maskZero === true;
  if (first.goBackwards && masked && recurrent.length > 1) {
    refuse(
      first.cell,
      'go_backwards',
      'with masking below another layer: Keras passes the mask on unreversed while the outputs are reversed, so the upper layers mask the wrong steps',
    );
  }
  const inputSize = (params[paramKey('weight', 'ih', 0, false)] as Tensor).shape[1] as number;
  const spec = defineSpec({
    mode: first.mode,
    inputSize,
    hiddenSize: first.units,
    numLayers: recurrent.length,
    bias: first.useBias,
    batchFirst: true,
    bidirectional: first.bidirectional,
    activations: first.activations,
    linearBeforeReset: first.mode === 'gru' ? first.resetAfter : true,
  });
  const used = new Set(states.map((s) => s.input));
  return {
    spec,
    params: Object.freeze(params) as RnnParams,
    layerNames: recurrent.map((r) => r.layer.name),
    embedding,
    maskValue,
    goBackwards: first.goBackwards,
    returnSequences: top.returnSequences,
    zeroOutputForMask: top.zeroOutputForMask,
    mergeMode: top.mergeMode,
    head,
    initialStates: chain.inputNames.filter((n) => used.has(n)).flatMap((n) => states.filter((s) => s.input === n)),
    kerasVersion: chain.kerasVersion,
    inputShape: chain.inputShape,
  };
}

/**
 * Maps a Keras model config (tfjs `modelTopology`, a Keras 2 `model_config` attribute or a Keras 3
 * `config.json`) with a weight lookup.
 *
 * @param kerasVersion - overrides the version found in the config (it picks hard_sigmoid's slope).
 */
export function importKerasConfig(
  topology: unknown,
  weights: LayerWeights,
  kerasVersion: string | null = null,
): KerasImport {
  return importLayerChain(readLayerChain(topology, kerasVersion), weights);
}
