import {
  type RnnConfig,
  type RnnMode,
  type RnnParams,
  type RnnSpec,
  SeededRandom,
  type Tensor,
  defineSpec,
  directionCount,
  initParams,
  outputSize,
  tensor,
} from '@deeprnn/core';

/** Prefix of the RNN's parameters in an LM's parameter map (d2l's `RNNModel.rnn`). */
export const RNN_PREFIX = 'rnn.';
/** The head's weight (d2l's `RNNModel.linear.weight`), [V, F]. */
export const HEAD_WEIGHT = 'linear.weight';
/** The head's bias (d2l's `RNNModel.linear.bias`), [V]. */
export const HEAD_BIAS = 'linear.bias';

/** Every parameter of a language model by name, float32: `rnn.weight_ih_l0`, ..., `linear.weight`, `linear.bias`. */
export type LmParams = Readonly<Record<string, Tensor<'float32'>>>;

/** The shape of a character language model: a stacked RNN over one-hot characters and a linear head. */
export interface LmConfig {
  /** The recurrent cell. */
  readonly mode: RnnMode;
  /** Vocabulary size V: the one-hot input width and the head's classes. */
  readonly vocabSize: number;
  /** Hidden units per layer. */
  readonly hiddenSize: number;
  /** Stacked RNN layers. */
  readonly numLayers: number;
  /** Any other RNN option (bidirectional, dropout, tiedLayers, ...). */
  readonly rnn?: Partial<Omit<RnnConfig, 'mode' | 'inputSize' | 'hiddenSize' | 'numLayers'>>;
}

/** The RNN spec of a language model: input size = vocabulary size. */
export function lmSpec(config: LmConfig): RnnSpec {
  return defineSpec({
    ...config.rnn,
    mode: config.mode,
    inputSize: config.vocabSize,
    hiddenSize: config.hiddenSize,
    numLayers: config.numLayers,
  });
}

/** Features the head reads: D * Hout. */
export function headInputSize(spec: RnnSpec): number {
  return directionCount(spec) * outputSize(spec);
}

/**
 * PyTorch's initialisation of d2l's `RNNModel`: the RNN's uniform(-1/sqrt(H), 1/sqrt(H)) and
 * `nn.Linear`'s uniform(-1/sqrt(F), 1/sqrt(F)) for weight and bias, all from `seed`.
 */
export function initLmParams(spec: RnnSpec, vocabSize: number, seed: number): LmParams {
  const out: Record<string, Tensor<'float32'>> = {};
  for (const [name, t] of Object.entries(initParams(spec, { seed, dtype: 'float32' }))) {
    out[RNN_PREFIX + name] = t as Tensor<'float32'>;
  }
  const F = headInputSize(spec);
  const rng = new SeededRandom((seed ^ 0x5bd1e995) >>> 0);
  const k = 1 / Math.sqrt(F);
  const w = new Float32Array(vocabSize * F);
  for (let i = 0; i < w.length; i++) w[i] = rng.uniform(-k, k);
  const b = new Float32Array(vocabSize);
  for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-k, k);
  out[HEAD_WEIGHT] = tensor(w, [vocabSize, F]);
  out[HEAD_BIAS] = tensor(b, [vocabSize]);
  return Object.freeze(out);
}

/** The RNN's parameters (prefix stripped), as a backend takes them. Copies, so later updates cannot alias. */
export function rnnParamsOf(params: LmParams): RnnParams {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(params)) {
    if (name.startsWith(RNN_PREFIX)) out[name.slice(RNN_PREFIX.length)] = tensor(t.data.slice(), t.shape);
  }
  return Object.freeze(out);
}

/** A deep copy of a parameter map. */
export function cloneParams(params: LmParams): LmParams {
  const out: Record<string, Tensor<'float32'>> = {};
  for (const [name, t] of Object.entries(params)) out[name] = tensor(t.data.slice(), t.shape);
  return Object.freeze(out);
}
