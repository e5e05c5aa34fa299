import { type RnnSpec, type RnnState, type StepCall, type StreamEngine, type Tensor, outputSize } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { StartedEngine } from './engine.js';
import { withEngine } from './engine-handle.js';
import type { OpPolicy } from './op-policy.js';
import { runStack } from './run-stack.js';
import { fromTf, toTf, uploadSteps } from './tensor-convert.js';
import type { StackWeights } from './weights.js';

/** What a tfjs stream needs from its model. */
export interface TfjsStreamHost {
  readonly spec: RnnSpec;
  readonly engine: StartedEngine;
  readonly policy: OpPolicy;
  /** The prepared weights; throws once the model is disposed. */
  weights(): StackWeights;
}

/** A tfjs stream's engine, plus `free` for the model to call when it is disposed under the stream. */
export interface TfjsStreamEngine extends StreamEngine {
  /** Frees the state tensors now (idempotent). */
  free(): void;
}

interface StateTensors {
  h: tf.Tensor;
  c: tf.Tensor | null;
}

/**
 * The tfjs stream: the state `[L, B, Hout]` (and `[L, B, H]`) lives in kept tfjs tensors on the
 * model's engine between steps, so only the chunk goes up and its output comes down. Each step runs
 * in one tf.tidy that keeps exactly the new state; the old state is disposed after it, so the tensor
 * count stays flat however many steps run.
 */
export async function tfjsStreamEngine(host: TfjsStreamHost, B: number, initial: RnnState | null): Promise<TfjsStreamEngine> {
  const { spec, engine } = host;
  const Hout = outputSize(spec);
  const isLstm = spec.mode === 'lstm';
  // tf.tidy returns tensors, lists or maps of them, never null: states travel as [h] or [h, c].
  const asState = ([h, c]: tf.Tensor[]): StateTensors => ({ h: h as tf.Tensor, c: c ?? null });
  const upload = (s: RnnState | null): StateTensors =>
    asState(
      tf.tidy(() => {
        const h = s ? toTf(s.h) : tf.zeros([spec.numLayers, B, Hout]);
        if (!isLstm) return [h];
        return [h, s?.c ? toTf(s.c) : tf.zeros([spec.numLayers, B, spec.hiddenSize])];
      }),
    );
  const held = (s: StateTensors): tf.Tensor[] => (s.c ? [s.h, s.c] : [s.h]);
  let start: StateTensors | null = null;
  let state: StateTensors | null = null;
  await withEngine(engine, () => {
    start = upload(initial);
    state = { h: start.h.clone(), c: start.c?.clone() ?? null };
  });
  const live = (): { start: StateTensors; state: StateTensors } => {
    if (start === null || state === null) throw new Error('backend-tfjs: stream state used after it was freed');
    return { start, state };
  };
  const free = (): void => {
    if (start) tf.dispose(held(start));
    if (state) tf.dispose(held(state));
    start = null;
    state = null;
  };
  return {
    async step(x: Tensor, call: StepCall): Promise<Tensor> {
      const weights = host.weights();
      const [output, ...next] = await withEngine(engine, () => {
        const cur = live();
        return tf.tidy(() => {
          let h0 = cur.state.h;
          let c0 = cur.state.c;
          if (call.reset) {
            // [1, B, 1] broadcasts over layers and features: rows flagged go back to the start state.
            const mask = tf.tensor3d(call.reset, [1, B, 1], 'bool');
            h0 = tf.where(mask, cur.start.h, h0);
            if (c0 && cur.start.c) c0 = tf.where(mask, cur.start.c, c0);
          }
          const r = runStack(spec, weights, {
            xSteps: uploadSteps(x, false),
            h0,
            c0,
            lengths: call.lengths,
            dropout: null,
            policy: host.policy,
          });
          return r.c ? [r.output, r.h, r.c] : [r.output, r.h];
        });
      });
      const old = live().state;
      state = asState(next);
      tf.dispose(held(old));
      try {
        return await fromTf(output as tf.Tensor);
      } finally {
        output?.dispose();
      }
    },
    async readState(): Promise<RnnState> {
      const s = live().state;
      const h = await fromTf(s.h);
      return s.c ? { h, c: await fromTf(s.c) } : { h };
    },
    async reset(next: RnnState | null): Promise<void> {
      await withEngine(engine, () => {
        free();
        start = upload(next);
        state = { h: start.h.clone(), c: start.c?.clone() ?? null };
      });
    },
    dispose(): Promise<void> {
      free();
      return Promise.resolve();
    },
    free,
  };
}
