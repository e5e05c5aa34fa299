import {
  HEAD_PARAM_NAMES,
  type OptimizerOptions,
  type RnnSpec,
  UnsupportedError,
  directionCount,
  outputSize,
  paramLayout,
  specToConfig,
} from '@deeprnn/core';
import { GraphBuilder, valueInfo } from '../graph-builder.js';
import { CONFIG_KEY } from '../metadata.js';
import { DataType, type GraphProto, type ValueInfoProto, onnx } from '../proto.js';
import { differentiate } from './differentiate.js';
import { slices } from './slices.js';
import { emitHeadLoss, emitLinearLoss } from './train-loss.js';
import { type UpdateSlot, emitUpdate } from './train-optimizer.js';
import { TRAINING_OPSET, type TrainingShape, emitForwardPart, finalState, namedOutput } from './training-io.js';

/** metadata_props key describing a training graph (JSON: kind, T, B, classes, optimizer, gradClipNorm). */
export const TRAINING_KEY = 'deeprnn.training';

/** Options of {@link exportTrainingStep}. */
export interface TrainingStepOptions extends TrainingShape {
  /** Classes of a linear head with softmax cross-entropy, or null: the loss is sum(output ⊙ grad_output). */
  readonly classes: number | null;
  /** The optimizer the step applies, with its hyper-parameters. */
  readonly optimizer: OptimizerOptions;
  /** Global-norm clipping threshold, or null for none. */
  readonly gradClipNorm: number | null;
}

/** Which parameters a training step updates, in its order (the head first, then the RNN's layout). */
export function trainedParameters(spec: RnnSpec, classes: number | null): [string, number[]][] {
  const F = directionCount(spec) * outputSize(spec);
  const head: [string, number[]][] =
    classes === null
      ? []
      : [
          [HEAD_PARAM_NAMES.weight, [classes, F]],
          [HEAD_PARAM_NAMES.bias, [classes]],
        ];
  return [...head, ...paramLayout(spec).map((s): [string, number[]] => [s.name, [...s.shape]])];
}

function checkShape(shape: TrainingShape, who: string): void {
  for (const [k, v] of [
    ['T', shape.T],
    ['B', shape.B],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new UnsupportedError(`${who}: ${k} must be a whole number >= 1, got ${v}`);
  }
}

function modelBytes(graph: GraphProto, spec: RnnSpec, training: object): Uint8Array {
  const model = {
    irVersion: 8,
    producerName: 'deeprnn',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: TRAINING_OPSET }],
    graph,
    metadataProps: [
      { key: CONFIG_KEY, value: JSON.stringify(specToConfig(spec)) },
      { key: TRAINING_KEY, value: JSON.stringify(training) },
    ],
  };
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

/**
 * Writes one whole training step of `spec` as a plain ONNX graph (opset 17, standard operators
 * only), for one sequence length T and batch B: forward unrolled over the steps, the loss (a linear
 * head with softmax cross-entropy, or a given output gradient), the backward unrolled (weight
 * gradients as one MatMul over all steps), global-norm clipping and an SGD or Adam update. Any ONNX
 * runtime can run it; the caller feeds the outputs back as the next step's inputs.
 *
 * Inputs: every trained parameter under its name (`head.weight`, `head.bias`, then PyTorch names),
 * with Adam `m.<name>` and `v.<name>`; `step` (int64 scalar, updates done so far); `input`
 * [T, B, I] time-major; `targets` (int32 [T*B], rows t*B+b) with a head, else `grad_output`
 * [T, B, F]; `h0` [L*D, B, Hout] (and `c0`); optional `sequence_lens` and `dropout_mask_l<k>`.
 * Outputs: `new.<name>` (and `new.m.<name>`, `new.v.<name>`), `new.step`, `loss`, `grad_norm`
 * (before clipping), `hN` (and `cN`).
 *
 * @param spec - the model's spec.
 * @param options - T, B, head classes, optimizer, clipping, optional inputs.
 * @returns the serialized ModelProto.
 * @throws {@link @deeprnn/core!UnsupportedError | UnsupportedError} for T or B below 1.
 * @example
 * ```ts
 * const bytes = exportTrainingStep(spec, { T: 35, B: 32, classes: 28, optimizer: { name: 'sgd', lr: 1 }, gradClipNorm: 1 });
 * ```
 */
export function exportTrainingStep(spec: RnnSpec, options: TrainingStepOptions): Uint8Array {
  checkShape(options, 'exportTrainingStep');
  const { T, B, classes } = options;
  const b = new GraphBuilder();
  const fwd = emitForwardPart(b, spec, options, false);
  const { inputs, stack, F } = fwd;
  const isAdam = options.optimizer.name === 'adam';
  const trained = trainedParameters(spec, classes);
  const declare = (name: string, dims: readonly number[], type: number = DataType.FLOAT): string => {
    b.reserve(name);
    inputs.push(valueInfo(name, type, dims));
    return name;
  };
  const N = T * B;
  let seed: string;
  let loss: string;
  const headGrads = new Map<string, string>();
  if (classes !== null) {
    const w = declare(HEAD_PARAM_NAMES.weight, [classes, F]);
    const bias = declare(HEAD_PARAM_NAMES.bias, [classes]);
    const head = emitHeadLoss(b, stack.y, w, bias, declare('targets', [N], DataType.INT32), N, classes);
    headGrads.set(w, head.dWeight).set(bias, head.dBias);
    seed = head.dY;
    loss = head.loss;
  } else {
    const g = b.op1('Reshape', [declare('grad_output', [T, B, F]), b.ints([N, F])]);
    ({ loss, dY: seed } = emitLinearLoss(b, stack.y, g));
  }
  const grads = differentiate(fwd.tape, [[stack.y, seed]], [...fwd.params.values()]);
  const step = declare('step', [], DataType.INT64);
  const slots: UpdateSlot[] = trained.map(([name, dims]) => ({
    param: name,
    grad: headGrads.get(name) ?? grads.get(name) ?? b.op1('ConstantOfShape', [b.ints(dims)]),
    m: isAdam ? declare(`m.${name}`, dims) : null,
    v: isAdam ? declare(`v.${name}`, dims) : null,
  }));
  const update = emitUpdate(b, slots, options.optimizer, options.gradClipNorm, step);
  const outputs: ValueInfoProto[] = [];
  trained.forEach(([name, dims], i) => {
    outputs.push(namedOutput(b, update.params[i] ?? null, dims, `new.${name}`));
    if (isAdam)
      outputs.push(
        namedOutput(b, update.m[i] ?? null, dims, `new.m.${name}`),
        namedOutput(b, update.v[i] ?? null, dims, `new.v.${name}`),
      );
  });
  outputs.push(
    namedOutput(b, update.nextStep, [], 'new.step', DataType.INT64),
    namedOutput(b, loss, [], 'loss'),
    namedOutput(b, update.gradNorm, [], 'grad_norm'),
    finalState(b, stack.hN, B, outputSize(spec), 'hN'),
  );
  if (spec.mode === 'lstm') outputs.push(finalState(b, stack.cN, B, spec.hiddenSize, 'cN'));
  const graph = {
    name: 'deeprnn_training_step',
    node: b.nodes,
    initializer: b.initializers,
    input: inputs,
    output: outputs,
  };
  return modelBytes(graph, spec, {
    kind: 'step',
    T,
    B,
    classes,
    optimizer: options.optimizer,
    gradClipNorm: options.gradClipNorm,
  });
}

/**
 * Writes backpropagation through time of `spec` for one (T, B) as a plain ONNX graph (what
 * `RnnModel.gradients` computes). Inputs: the parameters, `input`, `h0` (`c0`), optional
 * `sequence_lens` and dropout masks (as {@link exportTrainingStep}), and the upstream gradients
 * `grad_output` [T, B, F], `grad_hN` (and `grad_cN`). Outputs: `grad.<name>` per parameter,
 * `grad.input`, `grad.h0` (and `grad.c0`).
 *
 * @throws {@link @deeprnn/core!UnsupportedError | UnsupportedError} for T or B below 1.
 */
export function exportGradientGraph(spec: RnnSpec, shape: TrainingShape): Uint8Array {
  checkShape(shape, 'exportGradientGraph');
  const { T, B } = shape;
  const b = new GraphBuilder();
  const fwd = emitForwardPart(b, spec, shape, true);
  const { inputs, stack, tape, F } = fwd;
  const rows = spec.numLayers * directionCount(spec);
  const Hout = outputSize(spec);
  const H = spec.hiddenSize;
  const declare = (name: string, dims: readonly number[]): string => {
    b.reserve(name);
    inputs.push(valueInfo(name, DataType.FLOAT, dims));
    return name;
  };
  const rowsOf = (name: string, X: number): string[] => {
    const flat = b.op1('Reshape', [declare(name, [rows, B, X]), b.ints([rows * B, X])]);
    return rows === 1 ? [flat] : slices(b, flat, 0, Array<number>(rows).fill(B));
  };
  const seeds: [string, string][] = [
    [stack.y, b.op1('Reshape', [declare('grad_output', [T, B, F]), b.ints([T * B, F])])],
  ];
  rowsOf('grad_hN', Hout).forEach((g, i) => seeds.push([stack.hN[i] as string, g]));
  if (spec.mode === 'lstm') rowsOf('grad_cN', H).forEach((g, i) => seeds.push([stack.cN[i] as string, g]));
  const wrt = [...fwd.params.values(), fwd.input, fwd.h0, ...(fwd.c0 === null ? [] : [fwd.c0])];
  const grads = differentiate(tape, seeds, wrt);
  const outputs: ValueInfoProto[] = paramLayout(spec).map((s) =>
    namedOutput(b, grads.get(s.name) ?? null, s.shape, `grad.${s.name}`),
  );
  outputs.push(namedOutput(b, grads.get(fwd.input) ?? null, [T, B, spec.inputSize], 'grad.input'));
  outputs.push(namedOutput(b, grads.get(fwd.h0) ?? null, [rows, B, Hout], 'grad.h0'));
  if (fwd.c0 !== null) outputs.push(namedOutput(b, grads.get(fwd.c0) ?? null, [rows, B, H], 'grad.c0'));
  const graph = {
    name: 'deeprnn_gradients',
    node: b.nodes,
    initializer: b.initializers,
    input: inputs,
    output: outputs,
  };
  return modelBytes(graph, spec, { kind: 'gradients', T, B });
}
