import { type RnnParams, type RnnSpec, type Tensor, paramLayout, validateParams } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { ensureGradients } from './autograd.js';
import type { TfjsBackend } from './backend.js';
import { runInUserLayout } from './run-layout.js';
import { fromTf, toTf } from './tensor-convert.js';
import { dropoutOf } from './dropout.js';
import { opPolicyFor } from './op-policy.js';
import { type StackTransposes, disposeTransposes, prepareWeights, transposeWeights } from './weights.js';

/** Per-call options of {@link TfjsRnn.apply}. */
export interface ApplyOptions {
  /** Valid steps per batch row (see `ForwardOptions.lengths`). */
  readonly lengths?: ArrayLike<number>;
  /** Applies `spec.dropout` between layers. Default false. */
  readonly training?: boolean;
  /** Seed of the dropout masks; vary it per step. Default 0. */
  readonly dropoutSeed?: number;
}

/** What {@link TfjsRnn.apply} returns, as tfjs tensors in the user's layout. */
export interface TfjsRnnOutputs {
  /** `[T, B, D*Hout]` (`[B, T, D*Hout]` batchFirst, `[T, D*Hout]` unbatched). */
  readonly output: tf.Tensor;
  /** `[L*D, B, Hout]`. */
  readonly h: tf.Tensor;
  /** `[L*D, B, H]` for LSTM, else null. */
  readonly c: tf.Tensor | null;
  /**
   * The same output by time step (time-major in every layout), as direction parts `[B, Hout]`
   * (forward, then reverse). A loss over these avoids the stack's gradient, which on wasm copies the
   * whole sequence once per step.
   */
  readonly outputSteps: readonly (readonly tf.Tensor[])[];
}

/**
 * A stacked RNN whose parameters are `tf.Variable`s, for training loops that compose their own head
 * and loss in tfjs. `apply` only builds tfjs ops: run it inside `tf.variableGrads` (or `tf.tidy`),
 * within `backend.run(...)` so the backend's engine is active.
 */
export interface TfjsRnn {
  readonly spec: RnnSpec;
  /** The trainable parameters by PyTorch name (pass `Object.values` to an optimizer). */
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /**
   * The forward pass as differentiable tfjs ops; gradients reach `variables`.
   *
   * @param x - the input in the spec's layout (`[T, B, I]`, `[B, T, I]` batchFirst, `[T, I]`), or
   *   already split into time steps, `x[t]` `[B, I]`. Pass steps when you can build them directly
   *   (e.g. one-hot rows per step): on wasm, splitting one tensor copies it once per step.
   * @param initial - h0 `[L*D, B, Hout]` and (LSTM) c0 `[L*D, B, H]`; zeros when absent.
   *
   * The gradient of a call reads transposed weights that this call builds and keeps until the next
   * `apply` or `dispose`: take the gradient of one call before applying again.
   */
  apply(x: tf.Tensor | readonly tf.Tensor[], initial?: { readonly h: tf.Tensor; readonly c?: tf.Tensor }, options?: ApplyOptions): TfjsRnnOutputs;
  /** Copies the current parameters out (to save, export or load into another backend). */
  readParams(): Promise<RnnParams>;
  /** Frees the variables. Safe to call twice. */
  dispose(): void;
}

/**
 * Creates a {@link TfjsRnn} on a backend's engine.
 *
 * @param backend - decides the engine; the variables live there.
 * @param spec - the model.
 * @param params - initial parameters by PyTorch name.
 * @returns the trainable RNN; dispose it when done.
 * @throws {@link ParameterError} when `params` do not match `spec`.
 * @example
 * ```ts
 * const rnn = await createTfjsRnn(backend, spec, initParams(spec, { seed: 0 }));
 * const opt = tf.train.adam(1e-3);
 * await backend.run(() => {
 *   const { value, grads } = tf.variableGrads(() => loss(rnn.apply(x).output, y));
 *   opt.applyGradients(grads);
 *   tf.dispose([value, ...Object.values(grads)]);
 * });
 * ```
 */
export async function createTfjsRnn(backend: TfjsBackend, spec: RnnSpec, params: RnnParams): Promise<TfjsRnn> {
  validateParams(spec, params);
  await ensureGradients();
  const names = paramLayout(spec).map((s) => s.name);
  const variables = await backend.run(() => {
    const vars: Record<string, tf.Variable> = {};
    for (const name of names) {
      const initial = toTf(params[name] as Tensor);
      vars[name] = tf.variable(initial, true);
      initial.dispose();
    }
    return Object.freeze(vars);
  });
  const policy = opPolicyFor(backend.engine);
  let isDisposed = false;
  // The latest apply's transposed weights: its gradient reads them, so they outlive the taped function.
  let transposes: StackTransposes | null = null;
  const releaseTransposes = (): void => {
    if (transposes) disposeTransposes(transposes);
    transposes = null;
  };
  return {
    spec,
    variables,
    apply(x, initial, options = {}) {
      releaseTransposes();
      transposes = transposeWeights(spec, variables, policy);
      const weights = prepareWeights(spec, variables, policy, transposes);
      return runInUserLayout(spec, weights, {
        x: x instanceof tf.Tensor ? x : { xSteps: x, isUnbatched: false },
        h0: initial?.h ?? null,
        c0: initial?.c ?? null,
        lengths: options.lengths ?? null,
        dropout: dropoutOf(spec, options),
        policy,
      });
    },
    async readParams() {
      const out: Record<string, Tensor> = {};
      for (const name of names) out[name] = await fromTf(variables[name] as tf.Variable);
      return Object.freeze(out);
    },
    dispose() {
      if (isDisposed) return;
      isDisposed = true;
      releaseTransposes();
      tf.dispose(Object.values(variables));
    },
  };
}
