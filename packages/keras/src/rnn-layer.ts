import { type Activation, type RnnMode, sameActivations } from '@deeprnn/core';
import { recurrentActivation } from './activations.js';
import { type LayerConfig, boolField, intField, isRecord, layerConfig, refuse } from './config-fields.js';
import type { MergeMode } from './types.js';

/** One recurrent layer of a Keras model, as deeprnn sees it. */
export interface RecurrentLayer {
  /** The layer in the model (the Bidirectional wrapper when wrapped). */
  readonly layer: LayerConfig;
  /** The recurrent layer itself (the wrapped one for Bidirectional). */
  readonly cell: LayerConfig;
  readonly mode: RnnMode;
  readonly units: number;
  readonly activations: readonly Activation[];
  readonly useBias: boolean;
  /** GRU: Keras `reset_after` (deeprnn `linearBeforeReset`); true for other cells. */
  readonly resetAfter: boolean;
  readonly bidirectional: boolean;
  readonly mergeMode: MergeMode;
  readonly goBackwards: boolean;
  readonly returnSequences: boolean;
  /** Keras 2's `zero_output_for_mask`: masked steps output zeros instead of the last output. */
  readonly zeroOutputForMask: boolean;
}

/** The recurrent layer classes deeprnn maps (Keras 2 spells some with a v2 suffix in saved files). */
export const RECURRENT_CLASSES: ReadonlySet<string> = new Set(['SimpleRNN', 'GRU', 'LSTM', 'GRUV2', 'LSTMV2']);

// Fields that do not change what a trained layer computes at inference: initialisers, regularisers,
// constraints, training-time dropout, execution hints (unroll, implementation, cuDNN), shapes and dtype
// (weights are read as float32). `unit_forget_bias` only initialises the forget-gate bias.
const IGNORED = new Set([
  'name',
  'trainable',
  'dtype',
  'batch_input_shape',
  'batch_shape',
  'input_shape',
  'input_dim',
  'input_length',
  'kernel_initializer',
  'recurrent_initializer',
  'bias_initializer',
  'kernel_regularizer',
  'recurrent_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'kernel_constraint',
  'recurrent_constraint',
  'bias_constraint',
  'dropout',
  'recurrent_dropout',
  'implementation',
  'unroll',
  'use_cudnn',
  'seed',
  'unit_forget_bias',
]);
const MAPPED = new Set([
  'units',
  'activation',
  'recurrent_activation',
  'use_bias',
  'reset_after',
  'return_sequences',
  'return_state',
  'go_backwards',
  'stateful',
  'time_major',
  'zero_output_for_mask',
]);
const WRAPPER_FIELDS = new Set([
  'name',
  'trainable',
  'dtype',
  'batch_input_shape',
  'batch_shape',
  'input_shape',
  'layer',
  'merge_mode',
  'backward_layer',
]);

function checkFields(layer: LayerConfig, known: (f: string) => boolean): void {
  for (const [field, value] of Object.entries(layer.config)) {
    if (!known(field) && value !== null && value !== undefined) {
      refuse(
        layer,
        field,
        `deeprnn does not know what ${JSON.stringify(value)?.slice(0, 80)} does here, so it refuses rather than guess`,
      );
    }
  }
}

/**
 * Keras 3 always writes `backward_layer`: accepted when it is the wrapped layer run backwards (the same
 * config but its name and `go_backwards`), refused when it differs in anything that computes.
 */
function checkBackwardLayer(layer: LayerConfig): void {
  const back = layer.config.backward_layer;
  if (back === undefined || back === null) return;
  const fw = layerConfig(layer.config.layer, `layer '${layer.name}' field 'layer'`);
  const bw = layerConfig(back, `layer '${layer.name}' field 'backward_layer'`);
  const strip = (c: Readonly<Record<string, unknown>>): string =>
    JSON.stringify({ ...c, name: null, go_backwards: null });
  const mirrored =
    bw.className === fw.className &&
    strip(bw.config) === strip(fw.config) &&
    bw.config.go_backwards === !(fw.config.go_backwards ?? false);
  if (!mirrored)
    refuse(
      layer,
      'backward_layer',
      'a backward layer configured apart from the forward one is not a deeprnn bidirectional layer (both directions share one config)',
    );
}

function cellMode(cell: LayerConfig, activation: Activation): RnnMode {
  const cls = cell.className.replace(/V2$/, '');
  if (cls === 'LSTM') return 'lstm';
  if (cls === 'GRU') return 'gru';
  return activation.name === 'Relu' ? 'rnn_relu' : 'rnn_tanh';
}

/**
 * Maps one SimpleRNN/GRU/LSTM layer, possibly wrapped in Bidirectional, checking every field.
 *
 * @param kerasVersion - picks hard_sigmoid's slope (Keras 3 differs from Keras 2 and tfjs).
 * @throws {@link UnsupportedError} naming the layer and field for `return_state`, `stateful`,
 *   `time_major`, a Bidirectional `merge_mode` of null or a custom `backward_layer`, an inner
 *   `go_backwards`, activations without an equivalent and unknown fields.
 */
export function readRecurrentLayer(layer: LayerConfig, kerasVersion: string | null): RecurrentLayer {
  let cell = layer;
  let bidirectional = false;
  let mergeMode: MergeMode = 'concat';
  if (layer.className === 'Bidirectional') {
    checkFields(layer, (f) => WRAPPER_FIELDS.has(f));
    checkBackwardLayer(layer);
    const mm = layer.config.merge_mode === undefined ? 'concat' : layer.config.merge_mode;
    if (mm !== 'concat' && mm !== 'sum' && mm !== 'ave' && mm !== 'mul') {
      refuse(
        layer,
        'merge_mode',
        `${JSON.stringify(mm)} returns the two directions separately; deeprnn maps concat, sum, ave and mul`,
      );
    }
    mergeMode = mm;
    bidirectional = true;
    cell = layerConfig(layer.config.layer, `layer '${layer.name}' field 'layer'`);
    if (!RECURRENT_CLASSES.has(cell.className))
      refuse(layer, 'layer', `wraps a ${cell.className}; deeprnn maps SimpleRNN, GRU and LSTM`);
    cell = { ...cell, name: `${layer.name}/${cell.name}` };
  }
  checkFields(cell, (f) => IGNORED.has(f) || MAPPED.has(f) || (f === 'cell' && cell.className !== 'RNN'));
  if (isRecord(cell.config.cell)) refuse(cell, 'cell', 'a custom cell object is not a built-in Keras cell');
  if (boolField(cell, 'return_state', false))
    refuse(
      cell,
      'return_state',
      'the model would output the states as extra tensors; deeprnn imports single-output models',
    );
  if (boolField(cell, 'stateful', false))
    refuse(
      cell,
      'stateful',
      'state carried between predict calls is not part of the file; pass `initial` states to forward instead',
    );
  if (boolField(cell, 'time_major', false))
    refuse(cell, 'time_major', 'time-major Keras layers are not supported (deeprnn imports batch-major models)');
  const goBackwards = boolField(cell, 'go_backwards', false);
  if (bidirectional && goBackwards)
    refuse(
      cell,
      'go_backwards',
      'a Bidirectional wrapper around a go_backwards layer swaps the directions, which deeprnn does not represent',
    );
  const activation = recurrentActivation(cell, 'activation', 'tanh', kerasVersion);
  const cls = cell.className.replace(/V2$/, '');
  // tfjs-layers and Keras 1 default to hard_sigmoid, Keras 2 and 3 to sigmoid; saved configs always spell it out.
  const gate = cls === 'SimpleRNN' ? null : recurrentActivation(cell, 'recurrent_activation', 'sigmoid', kerasVersion);
  const resetAfter = cls === 'GRU' ? boolField(cell, 'reset_after', false) : true;
  const mode = cellMode(cell, activation);
  const activations: Activation[] =
    mode === 'lstm'
      ? [gate as Activation, activation, activation]
      : mode === 'gru'
        ? [gate as Activation, activation]
        : [activation];
  return {
    layer,
    cell,
    mode,
    units: intField(cell, 'units'),
    activations,
    useBias: boolField(cell, 'use_bias', true),
    resetAfter,
    bidirectional,
    mergeMode,
    goBackwards,
    returnSequences: boolField(cell, 'return_sequences', false),
    zeroOutputForMask: boolField(cell, 'zero_output_for_mask', false),
  };
}

/**
 * Checks that a layer continues the stack that `first` starts: deeprnn stacks share one cell type,
 * width, activations, bias, reset_after and direction count.
 *
 * @throws {@link UnsupportedError} naming the layer and the field that differs.
 */
export function checkSameStack(first: RecurrentLayer, next: RecurrentLayer): void {
  const differ = (field: string, a: unknown, b: unknown): never =>
    refuse(
      next.cell,
      field,
      `is ${JSON.stringify(b)}, but a deeprnn stack needs every layer equal to '${first.cell.name}' (${JSON.stringify(a)})`,
    );
  if (first.mode !== next.mode)
    differ(next.mode.startsWith('rnn') ? 'activation' : 'class_name', first.mode, next.mode);
  if (first.units !== next.units) differ('units', first.units, next.units);
  if (first.useBias !== next.useBias) differ('use_bias', first.useBias, next.useBias);
  if (first.resetAfter !== next.resetAfter) differ('reset_after', first.resetAfter, next.resetAfter);
  if (!sameActivations(first.activations, next.activations)) differ('activation', first.activations, next.activations);
  if (first.bidirectional !== next.bidirectional)
    refuse(
      next.layer,
      'class_name',
      `bidirectional and unidirectional layers are mixed; deeprnn stacks are one or the other`,
    );
}
