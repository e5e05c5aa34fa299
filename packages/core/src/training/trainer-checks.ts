import type { RnnState } from '../backend.js';
import { type RnnSpec, directionCount, outputSize } from '../config.js';
import { ParameterError, ShapeError, UnsupportedError } from '../errors.js';
import { type CallShape, checkForwardArgs, outputShape } from '../io-shapes.js';
import { paramLayout, parameterCount, validateParams } from '../params.js';
import { checkBytes } from '../size-limit.js';
import { type Tensor, firstNonFinite, formatShape, sameShape } from '../tensor.js';
import {
  type CarriedState,
  HEAD_PARAM_NAMES,
  type OptimizerName,
  type OptimizerState,
  type TrainBatch,
  type TrainerInit,
  type TrainerParams,
} from '../trainer.js';

/** True for a trainer's carried-state handle (as opposed to a host {@link RnnState}). */
export function isCarriedState(s: RnnState | CarriedState): s is CarriedState {
  return typeof (s as Partial<CarriedState>).read === 'function';
}

/**
 * Every trained parameter's name and shape, in the one order trainers use (the head first, then the
 * RNN's parameters in layout order): the order of the global norm's sum and of optimizer state.
 */
export function trainedShapes(spec: RnnSpec, params: TrainerParams): [string, readonly number[]][] {
  const out: [string, readonly number[]][] = [];
  if (params.head) {
    out.push([HEAD_PARAM_NAMES.weight, params.head.weight.shape], [HEAD_PARAM_NAMES.bias, params.head.bias.shape]);
  }
  for (const slot of paramLayout(spec)) out.push([slot.name, slot.shape]);
  return out;
}

function checkHead(spec: RnnSpec, head: TrainerParams['head'], who: string): void {
  if (head === null) return;
  const F = directionCount(spec) * outputSize(spec);
  const { weight, bias } = head;
  const V = weight?.shape?.[0] ?? 0;
  if (
    weight?.shape?.length !== 2 ||
    weight.shape[1] !== F ||
    V < 1 ||
    bias?.shape?.length !== 1 ||
    bias.shape[0] !== V
  ) {
    throw new ParameterError(
      `${who}: head weight must be [V, ${F}] and bias [V] with V >= 1, got ${weight?.shape ? formatShape(weight.shape) : 'nothing'} and ${bias?.shape ? formatShape(bias.shape) : 'nothing'}`,
    );
  }
  for (const [name, t] of [
    ['head.weight', weight],
    ['head.bias', bias],
  ] as const) {
    const i = firstNonFinite(t.data);
    if (i >= 0) throw new ParameterError(`${who}: ${name}[${i}] is ${t.data[i]}, parameters must be finite`);
  }
}

/** Checks an optimizer state against the trained parameters (names `m.<p>`/`v.<p>`, their shapes). */
export function checkOptimizerState(spec: RnnSpec, params: TrainerParams, state: OptimizerState, who: string): void {
  if (!Number.isInteger(state.step) || state.step < 0) {
    throw new ParameterError(`${who}: optimizer step must be a whole number >= 0, got ${state.step}`);
  }
  const shapes = new Map(trainedShapes(spec, params));
  for (const [key, t] of Object.entries(state.moments)) {
    const name = key.slice(2);
    const want = shapes.get(name);
    if (!(key.startsWith('m.') || key.startsWith('v.')) || want === undefined) {
      throw new ParameterError(`${who}: unexpected optimizer moment ${key} (expected m.<param> or v.<param>)`);
    }
    if (!sameShape(t.shape, want))
      throw new ParameterError(
        `${who}: moment ${key} has shape ${formatShape(t.shape)}, expected ${formatShape(want)}`,
      );
  }
}

/**
 * Validates what a trainer starts from.
 *
 * @throws {@link ParameterError} on parameters, head or optimizer state that do not match `spec`.
 * @throws {@link UnsupportedError} on an unknown optimizer or a bad learning rate or threshold.
 */
export function checkTrainerInit(spec: RnnSpec, init: TrainerInit, who: string): void {
  checkTrainerBytes(spec, init, who);
  validateParams(spec, init.params.rnn);
  checkHead(spec, init.params.head, who);
  const o = init.optimizer;
  if (o?.name !== 'sgd' && o?.name !== 'adam')
    throw new UnsupportedError(`${who}: optimizer must be sgd or adam, got ${String(o?.name)}`);
  if (!(Number.isFinite(o.lr) && o.lr > 0))
    throw new UnsupportedError(`${who}: learning rate must be a finite number > 0, got ${o.lr}`);
  if (init.gradClipNorm !== null && !(init.gradClipNorm > 0))
    throw new UnsupportedError(`${who}: gradClipNorm must be > 0 or null, got ${init.gradClipNorm}`);
  if (init.optimizerState) checkOptimizerState(spec, init.params, init.optimizerState, who);
}

/**
 * Bytes a trainer holds for `spec`: every parameter (and a `classes`-way head's, when there is one), its
 * gradient and, for Adam, two moments, in float32.
 */
export function trainerBytes(
  spec: RnnSpec,
  o: { readonly classes: number; readonly optimizer: OptimizerName },
): number {
  const head = o.classes > 0 ? o.classes * (directionCount(spec) * outputSize(spec) + 1) : 0;
  return (parameterCount(spec) + head) * (o.optimizer === 'adam' ? 4 : 2) * 4;
}

function checkTrainerBytes(spec: RnnSpec, init: TrainerInit, who: string): void {
  const classes = init.params?.head?.weight?.shape?.[0] ?? 0;
  const bytes = trainerBytes(spec, { classes, optimizer: init.optimizer?.name === 'adam' ? 'adam' : 'sgd' });
  checkBytes(
    `${who}: parameters, gradients and optimizer state`,
    bytes,
    init.maxBytes,
    'createTrainer (TrainerInit.maxBytes)',
  );
}

/** Checks restored parameters against the trainer's current ones (same names, same shapes). */
export function checkRestoredParams(spec: RnnSpec, current: TrainerParams, next: TrainerParams, who: string): void {
  validateParams(spec, next.rnn);
  if ((current.head === null) !== (next.head === null)) {
    throw new ParameterError(
      `${who}: restore must ${current.head ? 'include' : 'omit'} the head, as the trainer was created`,
    );
  }
  checkHead(spec, next.head, who);
  if (current.head && next.head && !sameShape(current.head.weight.shape, next.head.weight.shape)) {
    throw new ParameterError(
      `${who}: head weight is ${formatShape(current.head.weight.shape)}, restore gave ${formatShape(next.head.weight.shape)}`,
    );
  }
}

/**
 * Checks one minibatch before a step changes anything: input and host initial state as `forward`
 * checks them, then the loss's inputs (targets with a head, gradOutput without).
 *
 * @param classes - the head's class count, or null without a head.
 * @returns the call's sizes.
 */
export function checkTrainBatch(spec: RnnSpec, batch: TrainBatch, classes: number | null, who: string): CallShape {
  const initial = batch.initial && !isCarriedState(batch.initial) ? batch.initial : undefined;
  const call = checkForwardArgs(spec, batch.input, initial, batch.lengths ? { lengths: batch.lengths } : {});
  const rows = call.T * call.B;
  if (classes !== null) {
    if (batch.gradOutput !== undefined)
      throw new ShapeError(
        `${who}: a trainer with a head takes targets, not gradOutput (its loss is the head's cross-entropy)`,
      );
    const t = batch.targets;
    if (!(t instanceof Int32Array))
      throw new ShapeError(`${who}: a trainer with a head needs targets (Int32Array, one class per output row)`);
    if (t.length !== rows)
      throw new ShapeError(`${who}: expected one target per output row (${rows}), got ${t.length}`);
    const bad = t.findIndex((c) => !(c >= 0 && c < classes));
    if (bad >= 0)
      throw new ShapeError(`${who}: targets must be class indices in [0, ${classes}), got ${t[bad]} at row ${bad}`);
  } else {
    if (batch.targets !== undefined)
      throw new ShapeError(
        `${who}: a trainer without a head takes gradOutput, not targets (create it with a head to train on class ids)`,
      );
    const g: Tensor | undefined = batch.gradOutput;
    const want = outputShape(spec, call);
    if (g === undefined) throw new ShapeError(`${who}: a trainer without a head needs gradOutput ${formatShape(want)}`);
    if (!sameShape(g.shape, want))
      throw new ShapeError(`${who}: gradOutput must be ${formatShape(want)}, got ${formatShape(g.shape)}`);
  }
  return call;
}
