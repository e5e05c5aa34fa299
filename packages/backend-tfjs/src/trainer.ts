import {
  type ForwardOptions, type GradOutput, type RnnParams, type RnnSpec, type RnnState, type Tensor, BackendDisposedError, tensor,
} from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackend } from './backend.js';
import { toTf, uploadSteps } from './tensor-convert.js';
import { type TfjsRnn, createTfjsRnn } from './trainable-rnn.js';

/** One forward + backward pass: the RNN's output and final state, and the gradient of every parameter. */
export interface TfjsForwardBackward {
  readonly output: Tensor;
  readonly state: RnnState;
  /** d loss / d parameter, by PyTorch name. */
  readonly paramGrads: RnnParams;
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
  dispose(): Promise<void>;
}

function download(t: tf.Tensor): Tensor {
  const values = t.dataSync();
  return tensor(values instanceof Float32Array ? values.slice() : Float32Array.from(values), t.shape);
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
  let rnn: TfjsRnn | null = null;
  let isDisposed = false;
  const dispose = async (): Promise<void> => {
    isDisposed = true;
    if (rnn) await backend.run(() => rnn?.dispose());
    rnn = null;
  };
  return {
    async forwardBackward(params, input, initial, head, options) {
      if (isDisposed) throw new BackendDisposedError('tfjs trainer: used after dispose()');
      if (rnn === null) {
        rnn = await createTfjsRnn(backend, spec, params);
      } else {
        const vars = rnn.variables;
        await backend.run(() => {
          for (const [name, v] of Object.entries(vars)) tf.tidy(() => v.assign(toTf(params[name] as Tensor)));
        });
      }
      const model = rnn;
      return backend.run(() => {
        const steps = uploadSteps(input, spec.batchFirst);
        const h0 = initial ? toTf(initial.h) : null;
        const c0 = initial?.c ? toTf(initial.c) : null;
        let result: { output: Tensor; state: RnnState } | null = null;
        try {
          const { value, grads } = tf.variableGrads(() => {
            const out = model.apply(steps, h0 ? (c0 ? { h: h0, c: c0 } : { h: h0 }) : undefined, {
              ...(options.lengths ? { lengths: options.lengths } : {}),
              ...(options.training !== undefined ? { training: options.training } : {}),
              ...(options.dropoutSeed !== undefined ? { dropoutSeed: options.dropoutSeed } : {}),
            });
            const output = download(out.output);
            const state: RnnState = out.c ? { h: download(out.h), c: download(out.c) } : { h: download(out.h) };
            result = { output, state };
            // The head's gradients enter as constants: d/dθ sum(y ⊙ gY) = the backpropagated gY.
            const g = head(output);
            let loss: tf.Scalar = tf.scalar(0);
            if (g.output) loss = tf.add(loss, tf.sum(tf.mul(out.output, toTf(g.output))));
            if (g.h) loss = tf.add(loss, tf.sum(tf.mul(out.h, toTf(g.h))));
            if (g.c && out.c) loss = tf.add(loss, tf.sum(tf.mul(out.c, toTf(g.c))));
            return loss;
          }, Object.values(model.variables));
          // variableGrads keys gradients by the variables' own (generated) names.
          const paramGrads: Record<string, Tensor> = {};
          for (const [name, v] of Object.entries(model.variables)) {
            const g = grads[v.name];
            if (g === undefined) throw new Error(`tfjs trainer: no gradient for ${name}`);
            paramGrads[name] = download(g);
          }
          tf.dispose([value, ...Object.values(grads)]);
          const done = result as { output: Tensor; state: RnnState } | null;
          if (done === null) throw new Error('tfjs trainer: the forward pass did not run');
          return { ...done, paramGrads: Object.freeze(paramGrads) };
        } finally {
          tf.dispose([...steps, ...(h0 ? [h0] : []), ...(c0 ? [c0] : [])]);
        }
      });
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}
