import { type Activation, normalizeActivation } from './activation.js';
import { ConfigError } from './errors.js';

/** The recurrent cell: PyTorch's `nn.RNN` (tanh or relu), `nn.GRU` and `nn.LSTM`. */
export type RnnMode = 'rnn_tanh' | 'rnn_relu' | 'gru' | 'lstm';

/** All modes, in a stable order. */
export const RNN_MODES: readonly RnnMode[] = Object.freeze(['rnn_tanh', 'rnn_relu', 'gru', 'lstm']);

/**
 * A stacked RNN as a user writes it. Omitted options take PyTorch's defaults; the ONNX-only extras
 * default to what reproduces PyTorch. {@link defineSpec} validates it and fills in every default.
 */
export interface RnnConfig {
  /** The recurrent cell to run. */
  readonly mode: RnnMode;
  /** Features per input step, I (PyTorch `input_size`); an integer in [1, {@link MAX_SIZE}]. */
  readonly inputSize: number;
  /** Features of the hidden (and LSTM cell) state, H (PyTorch `hidden_size`); an integer in [1, {@link MAX_SIZE}]. */
  readonly hiddenSize: number;
  /** Stacked layers (PyTorch `num_layers`), default 1. */
  readonly numLayers?: number;
  /** Whether `bias_ih`/`bias_hh` exist, default true. */
  readonly bias?: boolean;
  /** Input and output are `[B, T, F]` instead of `[T, B, F]`; states are unaffected. Default false. */
  readonly batchFirst?: boolean;
  /** Adds a reverse direction with its own `_reverse` parameters, default false. */
  readonly bidirectional?: boolean;
  /** Dropout probability on the output of every layer but the last, in training only. Default 0. */
  readonly dropout?: number;
  /** LSTM only: project hidden states to this many features (`weight_hr`), 0 = off. */
  readonly projSize?: number;
  /**
   * ONNX per-gate activations: rnn `[f]`, gru `[f, g]`, lstm `[f, g, h]`. Defaults reproduce PyTorch
   * (rnn_tanh `[Tanh]`, rnn_relu `[Relu]`, gru `[Sigmoid, Tanh]`, lstm `[Sigmoid, Tanh, Tanh]`).
   */
  readonly activations?: readonly Activation[];
  /** Activations of the reverse direction; defaults to `activations`. */
  readonly reverseActivations?: readonly Activation[];
  /** Clamp every gate pre-activation to [-clip, clip] (ONNX `clip`); null = no clipping. */
  readonly clip?: number | null;
  /** LSTM only: peephole connections (`weight_ph`, rows P_i, P_f, P_o). Default false. */
  readonly peepholes?: boolean;
  /** LSTM only: couple the input and forget gates, f = 1 - i (ONNX `input_forget`). Default false. */
  readonly inputForget?: boolean;
  /**
   * GRU only: apply the reset gate after the hidden matmul and its bias (PyTorch's GRU, ONNX
   * `linear_before_reset = 1`). Default true.
   */
  readonly linearBeforeReset?: boolean;
  /** Layers 1..L-1 share one parameter set, stored under layer index 1 (the d2l note's deep RNN). */
  readonly tiedLayers?: boolean;
}

/** A validated config with every default filled in. Build one with {@link defineSpec}. */
export interface RnnSpec {
  /** The recurrent cell to run. */
  readonly mode: RnnMode;
  /** Features per input step, I (PyTorch `input_size`). */
  readonly inputSize: number;
  /** Features of the hidden (and LSTM cell) state, H (PyTorch `hidden_size`). */
  readonly hiddenSize: number;
  /** Stacked layers, L (PyTorch `num_layers`). */
  readonly numLayers: number;
  /** Whether `bias_ih`/`bias_hh` exist; false means the gates have no bias terms. */
  readonly bias: boolean;
  /** Input and output are `[B, T, F]` instead of `[T, B, F]`; states are unaffected. */
  readonly batchFirst: boolean;
  /** Whether a reverse direction with its own `_reverse` parameters runs (D = 2). */
  readonly bidirectional: boolean;
  /** Dropout probability in [0, 1) on the output of every layer but the last, in training only. */
  readonly dropout: number;
  /** LSTM only: features hidden states are projected to (`weight_hr`, Hout); 0 = no projection. */
  readonly projSize: number;
  /** ONNX per-gate activations of the forward direction: rnn `[f]`, gru `[f, g]`, lstm `[f, g, h]`. */
  readonly activations: readonly Activation[];
  /** Per-gate activations of the reverse direction; equal to `activations` unless bidirectional. */
  readonly reverseActivations: readonly Activation[];
  /** Every gate pre-activation is clamped to [-clip, clip] (ONNX `clip`); null = no clipping. */
  readonly clip: number | null;
  /** LSTM only: peephole connections (`weight_ph`, rows P_i, P_f, P_o). */
  readonly peepholes: boolean;
  /** LSTM only: the input and forget gates are coupled, f = 1 - i (ONNX `input_forget`). */
  readonly inputForget: boolean;
  /**
   * GRU: the reset gate applies after the hidden matmul and its bias (PyTorch's GRU, ONNX
   * `linear_before_reset = 1`); true for every other mode.
   */
  readonly linearBeforeReset: boolean;
  /** Layers 1..L-1 share one parameter set, stored under layer index 1 (the d2l note's deep RNN). */
  readonly tiedLayers: boolean;
}

const CONFIG_KEYS: readonly string[] = [
  'mode',
  'inputSize',
  'hiddenSize',
  'numLayers',
  'bias',
  'batchFirst',
  'bidirectional',
  'dropout',
  'projSize',
  'activations',
  'reverseActivations',
  'clip',
  'peepholes',
  'inputForget',
  'linearBeforeReset',
  'tiedLayers',
];

/**
 * Upper bound on any one size (inputSize, hiddenSize), a sanity check against typos: a 32768-unit
 * hidden state is already 4 GiB per LSTM weight matrix. What a model really takes is checked in bytes
 * against `maxBytes` (default 2 GiB) where memory is allocated: `initParams`, `forward`.
 */
export const MAX_SIZE: number = 1 << 15;

/** Number of stacked weight blocks per cell: 1 (rnn), 3 (gru), 4 (lstm). */
export function gateCount(mode: RnnMode): number {
  return mode === 'gru' ? 3 : mode === 'lstm' ? 4 : 1;
}

/** Number of activation functions per direction: rnn 1, gru 2, lstm 3 (ONNX `activations`). */
export function activationCount(mode: RnnMode): number {
  return mode === 'gru' ? 2 : mode === 'lstm' ? 3 : 1;
}

/** PyTorch's activations for a mode (what the ONNX defaults reduce to). */
export function defaultActivations(mode: RnnMode): readonly Activation[] {
  switch (mode) {
    case 'rnn_tanh':
      return [{ name: 'Tanh' }];
    case 'rnn_relu':
      return [{ name: 'Relu' }];
    case 'gru':
      return [{ name: 'Sigmoid' }, { name: 'Tanh' }];
    case 'lstm':
      return [{ name: 'Sigmoid' }, { name: 'Tanh' }, { name: 'Tanh' }];
  }
}

/** 2 when bidirectional, else 1. */
export function directionCount(spec: RnnSpec): number {
  return spec.bidirectional ? 2 : 1;
}

/** Features of a hidden state h: projSize when projecting, else hiddenSize. */
export function outputSize(spec: RnnSpec): number {
  return spec.projSize > 0 ? spec.projSize : spec.hiddenSize;
}

/** Features that layer `layer` reads: inputSize for layer 0, D * Hout above. */
export function layerInputSize(spec: RnnSpec, layer: number): number {
  return layer === 0 ? spec.inputSize : directionCount(spec) * outputSize(spec);
}

/** The layer whose parameters layer `layer` uses (differs only for tied layers). */
export function storedLayer(spec: RnnSpec, layer: number): number {
  return spec.tiedLayers && layer > 1 ? 1 : layer;
}

/** Number of distinct parameter sets per direction (2 for tied stacks of 2+ layers). */
export function storedLayerCount(spec: RnnSpec): number {
  return spec.tiedLayers ? Math.min(spec.numLayers, 2) : spec.numLayers;
}

/** True when two activation lists are equal name by name and parameter by parameter. */
export function sameActivations(a: readonly Activation[], b: readonly Activation[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.name === b[i]?.name && x.alpha === b[i]?.alpha && x.beta === b[i]?.beta)
  );
}

function positiveInt(value: unknown, name: string, max = MAX_SIZE): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new ConfigError(`config.${name} must be an integer in [1, ${max}], got ${String(value)}`);
  }
  return value;
}

function bool(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(`config.${name} must be a boolean, got ${String(value)}`);
  return value;
}

function activationList(
  value: unknown,
  name: string,
  mode: RnnMode,
  fallback: readonly Activation[],
): readonly Activation[] {
  if (value === undefined) return fallback;
  const want = activationCount(mode);
  if (!Array.isArray(value) || value.length !== want) {
    throw new ConfigError(`config.${name} for ${mode} must list ${want} activation(s), got ${JSON.stringify(value)}`);
  }
  return Object.freeze(
    value.map((a: unknown, i) => {
      if (typeof a !== 'object' || a === null || typeof (a as { name?: unknown }).name !== 'string') {
        throw new ConfigError(`config.${name}[${i}] must be {name, alpha?, beta?}, got ${JSON.stringify(a)}`);
      }
      return normalizeActivation(a as Activation, `config.${name}[${i}]`);
    }),
  );
}

/**
 * Validates a config and fills in PyTorch's defaults.
 *
 * @param config - the user's config; unknown keys are rejected so typos do not pass silently.
 * @returns a frozen {@link RnnSpec}.
 * @throws {@link ConfigError} naming the option, what it must be and what arrived.
 * @example
 * ```ts
 * const spec = defineSpec({ mode: 'lstm', inputSize: 28, hiddenSize: 256, numLayers: 3 });
 * ```
 */
export function defineSpec(config: RnnConfig): RnnSpec {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError(`config must be an object, got ${String(config)}`);
  }
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.includes(key)) {
      throw new ConfigError(`config has unknown option '${key}' (known: ${CONFIG_KEYS.join(', ')})`);
    }
  }
  const mode = config.mode;
  if (!RNN_MODES.includes(mode)) {
    throw new ConfigError(`config.mode must be one of ${RNN_MODES.join(', ')}, got ${String(mode)}`);
  }
  const inputSize = positiveInt(config.inputSize, 'inputSize');
  const hiddenSize = positiveInt(config.hiddenSize, 'hiddenSize');
  const numLayers = config.numLayers === undefined ? 1 : positiveInt(config.numLayers, 'numLayers', 64);
  const dropout = config.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new ConfigError(`config.dropout must be a number in [0, 1), got ${String(dropout)}`);
  }
  const projSize = config.projSize ?? 0;
  if (typeof projSize !== 'number' || !Number.isInteger(projSize) || projSize < 0) {
    throw new ConfigError(`config.projSize must be a non-negative integer, got ${String(projSize)}`);
  }
  if (projSize > 0 && mode !== 'lstm') {
    throw new ConfigError(`config.projSize is only valid for lstm, got projSize ${projSize} with mode ${mode}`);
  }
  if (projSize >= hiddenSize) {
    throw new ConfigError(`config.projSize must be smaller than hiddenSize ${hiddenSize}, got ${projSize}`);
  }
  const clip = config.clip ?? null;
  if (clip !== null && (typeof clip !== 'number' || !(clip > 0) || !Number.isFinite(clip))) {
    throw new ConfigError(`config.clip must be a positive finite number or null, got ${String(clip)}`);
  }
  const peepholes = bool(config.peepholes, 'peepholes', false);
  const inputForget = bool(config.inputForget, 'inputForget', false);
  if ((peepholes || inputForget) && mode !== 'lstm') {
    throw new ConfigError(`config.${peepholes ? 'peepholes' : 'inputForget'} is only valid for lstm, got mode ${mode}`);
  }
  const linearBeforeReset = bool(config.linearBeforeReset, 'linearBeforeReset', true);
  if (!linearBeforeReset && mode !== 'gru') {
    throw new ConfigError(`config.linearBeforeReset is only valid for gru, got false with mode ${mode}`);
  }
  const bidirectional = bool(config.bidirectional, 'bidirectional', false);
  const activations = activationList(config.activations, 'activations', mode, defaultActivations(mode));
  const reverseActivations = activationList(config.reverseActivations, 'reverseActivations', mode, activations);
  if (!bidirectional && !sameActivations(reverseActivations, activations)) {
    throw new ConfigError('config.reverseActivations differ from activations but bidirectional is false');
  }
  return Object.freeze({
    mode,
    inputSize,
    hiddenSize,
    numLayers,
    bias: bool(config.bias, 'bias', true),
    batchFirst: bool(config.batchFirst, 'batchFirst', false),
    bidirectional,
    dropout,
    projSize,
    activations,
    reverseActivations,
    clip,
    peepholes,
    inputForget,
    linearBeforeReset,
    tiedLayers: bool(config.tiedLayers, 'tiedLayers', false),
  });
}

/**
 * The shortest config that defines `spec` again: options at their defaults are left out. This is what
 * files (golden cases, checkpoints, ONNX metadata) store.
 */
export function specToConfig(spec: RnnSpec): RnnConfig {
  const out: Record<string, unknown> = {
    mode: spec.mode,
    inputSize: spec.inputSize,
    hiddenSize: spec.hiddenSize,
    numLayers: spec.numLayers,
    bias: spec.bias,
    batchFirst: spec.batchFirst,
    bidirectional: spec.bidirectional,
    projSize: spec.projSize,
  };
  if (spec.dropout !== 0) out.dropout = spec.dropout;
  if (!sameActivations(spec.activations, defaultActivations(spec.mode))) out.activations = spec.activations;
  if (!sameActivations(spec.reverseActivations, spec.activations)) out.reverseActivations = spec.reverseActivations;
  if (spec.clip !== null) out.clip = spec.clip;
  if (spec.peepholes) out.peepholes = true;
  if (spec.inputForget) out.inputForget = true;
  if (!spec.linearBeforeReset) out.linearBeforeReset = false;
  if (spec.tiedLayers) out.tiedLayers = true;
  return out as unknown as RnnConfig;
}
