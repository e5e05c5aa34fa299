import {
  type ForwardOptions, type GradOutput, type RnnParams, type RnnSpec, type RnnState, type Tensor, BackendDisposedError, ShapeError, directionCount, outputSize, tensor, validateParams,
} from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackend } from './backend.js';
import { checkTargets, linearSoftmaxLoss } from './softmax-head.js';
import { opPolicyFor } from './op-policy.js';
import { fromTf, toTf, uploadSteps } from './tensor-convert.js';
import { type ApplyOptions, type TfjsRnn, type TfjsRnnOutputs, createTfjsRnn } from './trainable-rnn.js';

/** One forward + backward pass: the RNN's output and final state, and the gradient of every parameter. */
export interface TfjsForwardBackward {
  readonly output: Tensor;
  readonly state: RnnState;
  /** d loss / d parameter, by PyTorch name. */
  readonly paramGrads: RnnParams;
}

/** A linear head with softmax cross-entropy over the RNN's output rows (a language model's head). */
export interface TfjsSoftmaxHead {
  /** `[V, F]`, F the RNN's output width. */
  readonly weight: Tensor;
  /** `[V]`. */
  readonly bias: Tensor;
  /** The target class of every output row, time-major: row `t * B + b`. */
  readonly targets: Int32Array;
}

/** One forward + backward pass through the RNN and a {@link TfjsSoftmaxHead}. */
export interface TfjsHeadForwardBackward {
  /** Mean cross-entropy over the rows, before any update. */
  readonly loss: number;
  readonly state: RnnState;
  /** d loss / d RNN parameter, by PyTorch name. */
  readonly paramGrads: RnnParams;
  /** d loss / d head weight `[V, F]` and bias `[V]`. */
  readonly headGrads: { readonly weight: Tensor; readonly bias: Tensor };
}

/**
 * A training step's RNN half on tfjs, shaped like `@deeprnn/lm`'s `RnnTrainer`: the weights stay on
 * the engine as variables between steps (only their new values are written), and forward and backward
 * run once per step inside one `tf.variableGrads` (the generic path builds a model per step and runs the
 * forward twice, once for the output and again inside `gradients`).
 */
export interface TfjsTrainer extends AsyncDisposable {
  /**
   * Runs the RNN on `input`, hands its output to `head` (the caller's head and loss, in plain
   * TypeScript), and backpropagates the gradients `head` returns.
   */
  forwardBackward(
    params: RnnParams,
    input: Tensor,
    initial: RnnState | undefined,
    head: (output: Tensor) => GradOutput,
    options: ForwardOptions,
  ): Promise<TfjsForwardBackward>;
  /**
   * The same pass with a linear softmax cross-entropy head run on the engine, next to the RNN: the
   * output never leaves the engine, and the head's gradient enters the RNN step by step (no
   * `[T, B, F]` stack to differentiate).
   */
  forwardBackwardWithHead(
    params: RnnParams,
    input: Tensor,
    initial: RnnState | undefined,
    head: TfjsSoftmaxHead,
    options: ForwardOptions,
  ): Promise<TfjsHeadForwardBackward>;
  dispose(): Promise<void>;
}

function download(t: tf.Tensor): Tensor {
  const values = t.dataSync();
  return tensor(values instanceof Float32Array ? values.slice() : Float32Array.from(values), t.shape);
}

function applyOptions(options: ForwardOptions): ApplyOptions {
  return {
    ...(options.lengths ? { lengths: options.lengths } : {}),
    ...(options.training !== undefined ? { training: options.training } : {}),
    ...(options.dropoutSeed !== undefined ? { dropoutSeed: options.dropoutSeed } : {}),
  };
}

/** The final state kept past the taped function, to be read asynchronously (any engine). */
function keepState(out: TfjsRnnOutputs): tf.Tensor[] {
  return out.c ? [tf.keep(out.h), tf.keep(out.c)] : [tf.keep(out.h)];
}

async function readState(kept: readonly tf.Tensor[]): Promise<RnnState> {
  const [h, c] = await Promise.all(kept.map(fromTf));
  return c ? { h: h as Tensor, c } : { h: h as Tensor };
}

/** Reads gradients by the given names: variableGrads keys them by the variables' own (generated) names. */
async function readGrads(variables: Readonly<Record<string, tf.Variable>>, grads: tf.NamedTensorMap): Promise<Record<string, Tensor>> {
  const out: Record<string, Tensor> = {};
  for (const [name, v] of Object.entries(variables)) {
    const g = grads[v.name];
    if (g === undefined) throw new Error(`tfjs trainer: no gradient for ${name}`);
    out[name] = await fromTf(g);
  }
  return out;
}

/** Writes new values into existing variables (shapes were validated when they were made). */
function assignAll(variables: Readonly<Record<string, tf.Variable>>, values: Readonly<Record<string, Tensor>>): void {
  for (const [name, v] of Object.entries(variables)) tf.tidy(() => v.assign(toTf(values[name] as Tensor)));
}

/** The head's output gradients uploaded (null where the head gave none). */
interface UploadedGrads {
  readonly output: tf.Tensor | null;
  readonly h: tf.Tensor | null;
  readonly c: tf.Tensor | null;
}

function uploadGrads(g: GradOutput): UploadedGrads {
  return { output: g.output ? toTf(g.output) : null, h: g.h ? toTf(g.h) : null, c: g.c ? toTf(g.c) : null };
}

/** The loss whose gradient is the head's: d/dθ sum(y ⊙ gY) = the backpropagated gY (gradients enter as constants). */
function linkedLoss(out: TfjsRnnOutputs, g: UploadedGrads): tf.Scalar {
  let loss: tf.Scalar = tf.scalar(0);
  if (g.output) loss = tf.add(loss, tf.sum(tf.mul(out.output, g.output)));
  if (g.h) loss = tf.add(loss, tf.sum(tf.mul(out.h, g.h)));
  if (g.c && out.c) loss = tf.add(loss, tf.sum(tf.mul(out.c, g.c)));
  return loss;
}

/** Inputs uploaded for one pass. */
interface Uploaded {
  readonly steps: tf.Tensor[];
  readonly init: { h: tf.Tensor; c?: tf.Tensor } | undefined;
  readonly all: tf.Tensor[];
}

/** Checks the head against the model and input before anything on the engine changes. */
function checkHead(spec: RnnSpec, input: Tensor, head: TfjsSoftmaxHead): void {
  const F = outputSize(spec) * directionCount(spec);
  const [V, width] = head.weight.shape;
  if (head.weight.shape.length !== 2 || width !== F || head.bias.shape.length !== 1 || head.bias.shape[0] !== V) {
    throw new ShapeError(
      `tfjs trainer: head weight must be [V, ${F}] and bias [V], got [${head.weight.shape.join(', ')}] and [${head.bias.shape.join(', ')}]`,
    );
  }
  const rows = input.shape.length === 2 ? (input.shape[0] ?? 0) : (input.shape[0] ?? 0) * (input.shape[1] ?? 0);
  if (head.targets.length !== rows) {
    throw new ShapeError(`tfjs trainer: expected one target per output row (${rows}), got ${head.targets.length}`);
  }
  checkTargets(head.targets, V ?? 0, 'tfjs trainer');
}

/**
 * Creates a {@link TfjsTrainer} for `spec` on a tfjs backend's engine.
 *
 * @example
 * ```ts
 * const trainer = createTfjsTrainer(backend, spec);
 * const { output, paramGrads } = await trainer.forwardBackward(params, x, undefined, (y) => ({ output: dLossDy(y) }), {});
 * ```
 */
export function createTfjsTrainer(backend: TfjsBackend, spec: RnnSpec): TfjsTrainer {
  const policy = opPolicyFor(backend.engine);
  let rnn: TfjsRnn | null = null;
  let headVars: Record<string, tf.Variable> | null = null;
  let isDisposed = false;
  const dispose = async (): Promise<void> => {
    isDisposed = true;
    await backend.run(() => {
      rnn?.dispose();
      if (headVars) tf.dispose(Object.values(headVars));
    });
    rnn = null;
    headVars = null;
  };
  /** The RNN's variables, holding `params`. */
  const sync = async (params: RnnParams): Promise<TfjsRnn> => {
    if (isDisposed) throw new BackendDisposedError('tfjs trainer: used after dispose()');
    // Checked on every call (shapes only): a mismatch must be a ParameterError, not a tfjs assign failure.
    validateParams(spec, params);
    if (rnn === null) {
      rnn = await createTfjsRnn(backend, spec, params);
    } else {
      const vars = rnn.variables;
      await backend.run(() => assignAll(vars, params));
    }
    return rnn;
  };
  /** Uploads the per-step input and initial state; `all` is what to dispose afterwards. */
  const upload = (input: Tensor, initial: RnnState | undefined): Promise<Uploaded> =>
    backend.run(() => {
      const steps = uploadSteps(input, spec.batchFirst);
      const h0 = initial ? toTf(initial.h) : null;
      const c0 = initial?.c ? toTf(initial.c) : null;
      const init = h0 ? (c0 ? { h: h0, c: c0 } : { h: h0 }) : undefined;
      return { steps, init, all: [...steps, ...(h0 ? [h0] : []), ...(c0 ? [c0] : [])] };
    });
  return {
    async forwardBackward(params, input, initial, head, options) {
      const model = await sync(params);
      const x = await upload(input, initial);
      const opts = applyOptions(options);
      const owned: tf.Tensor[] = [...x.all];
      try {
        let output: Tensor;
        let kept: tf.Tensor[];
        let taped: { value: tf.Scalar; grads: tf.NamedTensorMap };
        if (policy.canReadSync) {
          // One forward: the output is read inside the taped function and the head runs there.
          let seen: { output: Tensor; kept: tf.Tensor[] } | null = null;
          taped = await backend.run(() =>
            tf.variableGrads(() => {
              const out = model.apply(x.steps, x.init, opts);
              const y = download(out.output);
              const kept = keepState(out);
              owned.push(...kept);
              seen = { output: y, kept };
              return linkedLoss(out, uploadGrads(head(y)));
            }, Object.values(model.variables)),
          );
          const done = seen as { output: Tensor; kept: tf.Tensor[] } | null;
          if (done === null) throw new Error('tfjs trainer: the forward pass did not run');
          ({ output, kept } = done);
        } else {
          // No synchronous reads (WebGPU): a forward to read the output, then the taped forward.
          const first = await backend.run(() =>
            tf.tidy(() => {
              const out = model.apply(x.steps, x.init, opts);
              return [out.output, out.h, ...(out.c ? [out.c] : [])];
            }),
          );
          owned.push(...first);
          output = await fromTf(first[0] as tf.Tensor);
          kept = first.slice(1);
          const g = head(output);
          const gT = await backend.run(() => uploadGrads(g));
          owned.push(...[gT.output, gT.h, gT.c].filter((t): t is tf.Tensor => t !== null));
          taped = await backend.run(() => tf.variableGrads(() => linkedLoss(model.apply(x.steps, x.init, opts), gT), Object.values(model.variables)));
        }
        owned.push(taped.value, ...Object.values(taped.grads));
        const [state, paramGrads] = await Promise.all([readState(kept), readGrads(model.variables, taped.grads)]);
        return { output, state, paramGrads: Object.freeze(paramGrads) };
      } finally {
        tf.dispose(owned);
      }
    },
    async forwardBackwardWithHead(params, input, initial, head, options) {
      checkHead(spec, input, head);
      const model = await sync(params);
      const x = await upload(input, initial);
      const owned: tf.Tensor[] = [...x.all];
      try {
        const hv = await backend.run(() => {
          const fits = headVars !== null && tf.util.arraysEqual(headVars.weight?.shape ?? [], [...head.weight.shape]);
          if (headVars !== null && fits) {
            assignAll(headVars, { weight: head.weight, bias: head.bias });
          } else {
            // First call, or a head of another vocabulary size: (re)make the variables.
            if (headVars !== null) tf.dispose(Object.values(headVars));
            headVars = { weight: tf.variable(toTf(head.weight), true), bias: tf.variable(toTf(head.bias), true) };
          }
          return headVars;
        });
        let kept: tf.Tensor[] = [];
        const { value, grads } = await backend.run(() =>
          tf.variableGrads(() => {
            const out = model.apply(x.steps, x.init, applyOptions(options));
            kept = keepState(out);
            owned.push(...kept);
            return linearSoftmaxLoss(out.outputSteps, hv.weight as tf.Tensor, hv.bias as tf.Tensor, head.targets, { softmaxOnHost: policy.canReadSync });
          }, [...Object.values(model.variables), ...Object.values(hv)]),
        );
        owned.push(value, ...Object.values(grads));
        const [loss, state, paramGrads, headGrads] = await Promise.all([value.data(), readState(kept), readGrads(model.variables, grads), readGrads(hv, grads)]);
        return {
          loss: loss[0] ?? NaN,
          state,
          paramGrads: Object.freeze(paramGrads),
          headGrads: { weight: headGrads.weight as Tensor, bias: headGrads.bias as Tensor },
        };
      } finally {
        tf.dispose(owned);
      }
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}
