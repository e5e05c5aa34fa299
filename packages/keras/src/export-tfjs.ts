import {
  type RnnParams,
  type RnnSpec,
  type Tensor,
  UnsupportedError,
  gateCount,
  paramKey,
  sameActivations,
  tensor,
  validateParams,
} from '@deeprnn/core';
import { kerasActivationName } from './activations.js';
import { biasToKeras, weightToKernel } from './gate-order.js';
import { type EncodedWeight, encodeWeight } from './quantize.js';
import type { KerasImport } from './types.js';
import type { QuantizationDType, WeightSpec } from './weights-manifest.js';

/** Options for {@link exportTfjsLayers}. */
export interface ExportTfjsOptions {
  /** Store the weights quantized (tfjs manifest `quantization`); default float32. */
  readonly quantize?: QuantizationDType | null;
  /** The shard's file name in `weightsManifest`. Default `weights.bin`. */
  readonly weightsPath?: string;
}

/** A tfjs-layers model: model.json's content, its one weight shard and what quantization cost. */
export interface TfjsExport {
  /** Write as `model.json`; `tf.loadLayersModel` reads it. */
  readonly modelJson: {
    /** The artifact kind tfjs expects of a layers model. */
    readonly format: 'layers-model';
    /** The writer's name (`deeprnn`). */
    readonly generatedBy: string;
    /** Always null: written directly, not by the tfjs converter. */
    readonly convertedBy: null;
    /** The Keras `Sequential` config of the layers. */
    readonly modelTopology: unknown;
    /** One group: the weight shard and the weights it holds, in order. */
    readonly weightsManifest: readonly {
      /** The shard file, `weightsPath`. */
      readonly paths: readonly string[];
      /** Every weight in the shard, back to back, in order. */
      readonly weights: readonly WeightSpec[];
    }[];
  };
  /** The shard's file name, as the manifest lists it (default `weights.bin`): write `weights` there. */
  readonly weightsPath: string;
  /** The shard's bytes: every weight back to back, in manifest order. */
  readonly weights: Uint8Array;
  /** Largest |stored - original| over all weights (0 without quantization). */
  readonly maxQuantizationError: number;
}

/**
 * Why tfjs-layers cannot represent a deeprnn stack, or null when it can.
 *
 * @remarks tfjs-layers' GRU only has `reset_after=false`, which is deeprnn's `linearBeforeReset: false`
 * (ONNX `linear_before_reset = 0`); PyTorch's GRU is the other variant and cannot be exported.
 */
export function tfjsLayersUnsupported(spec: RnnSpec): string | null {
  if (spec.mode === 'gru' && spec.linearBeforeReset)
    return 'tfjs-layers GRU has no reset_after=true (PyTorch/deeprnn linearBeforeReset: true); only linearBeforeReset: false GRUs export';
  if (spec.projSize > 0) return 'Keras LSTM has no projection (projSize)';
  if (spec.peepholes) return 'Keras LSTM has no peepholes';
  if (spec.inputForget) return 'Keras LSTM has no coupled input and forget gates (inputForget)';
  if (spec.clip !== null) return 'Keras cells do not clip gate pre-activations (clip)';
  if (spec.tiedLayers) return 'Keras layers do not share weights across depth (tiedLayers)';
  if (!sameActivations(spec.reverseActivations, spec.activations))
    return 'a Keras Bidirectional layer runs the same activations in both directions (reverseActivations differ)';
  const a = spec.activations;
  if (spec.mode === 'lstm' && !sameActivations([a[1]!], [a[2]!]))
    return 'Keras LSTM uses one activation for the candidate and the output (activations g and h differ)';
  for (const act of a) {
    if (kerasActivationName(act, null) === null)
      return `activation ${act.name}${act.alpha === undefined ? '' : `(${act.alpha}, ${act.beta ?? ''})`} has no Keras name (per-gate ONNX activations)`;
  }
  return null;
}

function activationNames(spec: RnnSpec): { activation: string; recurrent_activation?: string } {
  const names = spec.activations.map((x) => kerasActivationName(x, null) as string);
  if (spec.mode === 'lstm' || spec.mode === 'gru')
    return { activation: names[1] as string, recurrent_activation: names[0] as string };
  return { activation: names[0] as string };
}

function cellConfig(
  spec: RnnSpec,
  name: string,
  returnSequences: boolean,
  goBackwards: boolean,
): Record<string, unknown> {
  const zeros = { class_name: 'Zeros', config: {} };
  return {
    name,
    trainable: true,
    units: spec.hiddenSize,
    ...activationNames(spec),
    use_bias: spec.bias,
    // Zeros initialisers: tfjs builds the variables before loading the weights; orthogonal would be slow.
    kernel_initializer: zeros,
    recurrent_initializer: zeros,
    bias_initializer: zeros,
    dropout: 0,
    recurrent_dropout: 0,
    ...(spec.mode === 'gru' ? { reset_after: false } : {}),
    return_sequences: returnSequences,
    return_state: false,
    go_backwards: goBackwards,
    stateful: false,
    unroll: false,
  };
}

const CLASS: Readonly<Record<RnnSpec['mode'], string>> = {
  rnn_tanh: 'SimpleRNN',
  rnn_relu: 'SimpleRNN',
  gru: 'GRU',
  lstm: 'LSTM',
};

/** The Keras kernel, recurrent kernel and (summed) bias of one direction of one layer. */
function kerasWeights(spec: RnnSpec, params: RnnParams, layer: number, reverse: boolean): Tensor[] {
  const H = spec.hiddenSize;
  const get = (k: string): Tensor => params[k] as Tensor;
  const out = [
    weightToKernel(get(paramKey('weight', 'ih', layer, reverse)), spec.mode, H),
    weightToKernel(get(paramKey('weight', 'hh', layer, reverse)), spec.mode, H),
  ];
  if (spec.bias) {
    // One Keras bias = b_ih + b_hh: exact for LSTM, SimpleRNN and the reset_after=false GRU, where both add before the activation.
    const G = gateCount(spec.mode);
    const ih = get(paramKey('bias', 'ih', layer, reverse));
    const hh = get(paramKey('bias', 'hh', layer, reverse));
    const sum = tensor(
      Float32Array.from(ih.data, (v, i) => v + (hh.data[i] as number)),
      [G * H],
    );
    const b = new Float32Array(G * H);
    biasToKeras(sum, spec.mode, H, b, 0);
    out.push(tensor(b, [G * H]));
  }
  return out;
}

/**
 * Writes a deeprnn stack, or an imported Keras model with what surrounds its stack, as a tfjs-layers
 * model (Sequential) whose `predict` equals deeprnn's forward (batch-major `[B, T, I]` in).
 *
 * @param model - a spec and parameters, or a {@link KerasImport} (its masking, embedding,
 *   go_backwards, merge mode and Dense head are written too).
 * @param options - quantization and the shard name.
 * @returns model.json's content and the shard's bytes.
 * @throws {@link @deeprnn/core!UnsupportedError | UnsupportedError} with the reason when tfjs-layers cannot represent
 *   the model ({@link tfjsLayersUnsupported}, initial-state inputs, `zero_output_for_mask`).
 * @example
 * ```ts
 * const { modelJson, weights } = exportTfjsLayers({ spec, params }, { quantize: 'float16' });
 * ```
 */
export function exportTfjsLayers(
  model: { readonly spec: RnnSpec; readonly params: RnnParams } | KerasImport,
  options: ExportTfjsOptions = {},
): TfjsExport {
  const { spec, params } = model;
  const k = 'head' in model ? model : null;
  const why = tfjsLayersUnsupported(spec);
  if (why !== null) throw new UnsupportedError(`export tfjs-layers: ${why}`);
  if (k !== null && k.initialStates.length > 0)
    throw new UnsupportedError(
      'export tfjs-layers: initial-state inputs need a functional model; deeprnn writes Sequential models',
    );
  if (k !== null && k.zeroOutputForMask)
    throw new UnsupportedError('export tfjs-layers: tfjs-layers has no zero_output_for_mask');
  validateParams(spec, params);
  const layers: Record<string, unknown>[] = [];
  const weights: EncodedWeight[] = [];
  const quantize = options.quantize ?? null;
  const add = (name: string, t: Tensor): void => {
    weights.push(encodeWeight(name, t, quantize));
  };
  const inputShape = k?.embedding != null ? [null, null] : [null, null, spec.inputSize];
  if (k?.embedding != null) {
    const e = k.embedding;
    layers.push({
      class_name: 'Embedding',
      config: {
        name: 'embedding',
        input_dim: e.inputDim,
        output_dim: e.outputDim,
        mask_zero: e.maskZero,
        batch_input_shape: inputShape,
        embeddings_initializer: { class_name: 'Zeros', config: {} },
      },
    });
    add('embedding/embeddings', e.weight);
  } else if (k?.maskValue != null) {
    layers.push({
      class_name: 'Masking',
      config: { name: 'masking', mask_value: k.maskValue, batch_input_shape: inputShape },
    });
  }
  for (let l = 0; l < spec.numLayers; l++) {
    const top = l === spec.numLayers - 1;
    const name = `${CLASS[spec.mode].toLowerCase()}_${l + 1}`;
    const cell = cellConfig(
      spec,
      name,
      top ? (k?.returnSequences ?? true) : true,
      l === 0 && (k?.goBackwards ?? false),
    );
    const shape = l === 0 && layers.length === 0 ? { batch_input_shape: inputShape } : {};
    if (spec.bidirectional) {
      const bi = `bidirectional_${l + 1}`;
      layers.push({
        class_name: 'Bidirectional',
        config: {
          name: bi,
          trainable: true,
          layer: { class_name: CLASS[spec.mode], config: cell },
          merge_mode: top ? (k?.mergeMode ?? 'concat') : 'concat',
          ...shape,
        },
      });
      for (const [dir, reverse] of [
        ['forward', false],
        ['backward', true],
      ] as const) {
        const [kernel, recurrent, bias] = kerasWeights(spec, params, l, reverse);
        add(`${bi}/${dir}_${name}/kernel`, kernel as Tensor);
        add(`${bi}/${dir}_${name}/recurrent_kernel`, recurrent as Tensor);
        if (bias !== undefined) add(`${bi}/${dir}_${name}/bias`, bias);
      }
    } else {
      layers.push({ class_name: CLASS[spec.mode], config: { ...cell, ...shape } });
      const [kernel, recurrent, bias] = kerasWeights(spec, params, l, false);
      add(`${name}/kernel`, kernel as Tensor);
      add(`${name}/recurrent_kernel`, recurrent as Tensor);
      if (bias !== undefined) add(`${name}/bias`, bias);
    }
  }
  for (const [i, d] of (k?.head ?? []).entries()) {
    const name = `dense_${i + 1}`;
    layers.push({
      class_name: 'Dense',
      config: {
        name,
        units: d.units,
        activation: d.activation,
        use_bias: d.bias !== null,
        kernel_initializer: { class_name: 'Zeros', config: {} },
      },
    });
    add(`${name}/kernel`, d.kernel);
    if (d.bias !== null) add(`${name}/bias`, d.bias);
  }
  const bytes = new Uint8Array(weights.reduce((n, w) => n + w.bytes.length, 0));
  let at = 0;
  for (const w of weights) {
    bytes.set(w.bytes, at);
    at += w.bytes.length;
  }
  const weightsPath = options.weightsPath ?? 'weights.bin';
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'deeprnn',
      convertedBy: null,
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 'deeprnn', layers },
        keras_version: 'tfjs-layers 4.22.0 (deeprnn export)',
        backend: 'tensor_flow.js',
      },
      weightsManifest: [{ paths: [weightsPath], weights: weights.map((w) => w.spec) }],
    },
    weightsPath,
    weights: bytes,
    maxQuantizationError: weights.reduce((m, w) => Math.max(m, w.maxError), 0),
  };
}
