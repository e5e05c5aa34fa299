import {
  type RnnSpec,
  type RnnState,
  type StepCall,
  type StreamEngine,
  type Tensor,
  outputSize,
  storedLayer,
  tensor,
} from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Cell } from './cell.js';
import type { StartedEngine } from './engine.js';
import { withEngine } from './engine-handle.js';
import type { OpPolicy } from './op-policy.js';
import { makeCell } from './run-stack.js';
import { stepMasks } from './step-masks.js';
import { type GruStepLayer, gruStep, gruStepTensors, isFastGru, prepareGruStep } from './stream-gru.js';
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

/** Per-layer state: h[l] `[B, Hout]`, c[l] `[B, H]` (LSTM), all kept tensors. */
interface Layers {
  readonly h: tf.Tensor[];
  readonly c: tf.Tensor[];
}

/**
 * The tfjs stream: the state lives in kept tfjs tensors on the model's engine between steps, one per
 * layer (`[B, Hout]`, and `[B, H]` for LSTM) so a step feeds each layer's cell directly, without the
 * unstack/stack of a whole `[L, B, F]` state that `forward` pays per call. Only the chunk goes up and
 * its output comes down. Each step runs in one tf.tidy that keeps exactly the new state; the old
 * state is disposed after it, so the tensor count stays flat however many steps run. The arithmetic
 * is `forward`'s: the same cells, and the same masks for per-row lengths.
 */
export async function tfjsStreamEngine(
  host: TfjsStreamHost,
  B: number,
  initial: RnnState | null,
): Promise<TfjsStreamEngine> {
  const { spec, engine } = host;
  const L = spec.numLayers;
  const Hout = outputSize(spec);
  const isLstm = spec.mode === 'lstm';
  const cells: Cell[] = [];
  // PyTorch's GRU takes the fast step (stream-gru.ts): its state and step tensors are `[1, B, F]`, the
  // rank of the product kernel; every other spec runs forward's cells on `[B, F]`.
  const isFast = isFastGru(spec, host.policy);
  let fast: GruStepLayer[] = [];
  const flat = (s: Layers): tf.Tensor[] => [...s.h, ...s.c];
  const split = (ts: tf.Tensor[]): Layers => ({ h: ts.slice(0, L), c: ts.slice(L) });
  const rows = (t: tf.Tensor): tf.Tensor[] => (isFast ? tf.split(t, L, 0) : tf.unstack(t));
  const zeros = (F: number): tf.Tensor => tf.zeros(isFast ? [1, B, F] : [B, F]);
  const upload = (s: RnnState | null): Layers =>
    split(
      tf.tidy(() => {
        const h = s ? rows(toTf(s.h)) : Array.from({ length: L }, () => zeros(Hout));
        if (!isLstm) return h;
        return [...h, ...(s?.c ? rows(toTf(s.c)) : Array.from({ length: L }, () => zeros(spec.hiddenSize)))];
      }),
    );
  let start: Layers | null = null;
  let state: Layers | null = null;
  const load = (s: RnnState | null): void => {
    start = upload(s);
    state = split(flat(start).map((t) => t.clone()));
    // Made once per stream (and again after a reset frees them), not per step.
    if (isFast) {
      const weights = host.weights();
      fast = Array.from({ length: L }, (_, l) => prepareGruStep(weights[storedLayer(spec, l)]![0]!, host.policy));
    }
  };
  await withEngine(engine, () => load(initial));
  const live = (): { start: Layers; state: Layers } => {
    if (start === null || state === null) throw new Error('backend-tfjs: stream state used after it was freed');
    return { start, state };
  };
  const free = (): void => {
    if (start) tf.dispose(flat(start));
    if (state) tf.dispose(flat(state));
    for (const l of fast) tf.dispose(gruStepTensors(l));
    fast = [];
    start = null;
    state = null;
  };
  return {
    async step(x: Tensor, call: StepCall): Promise<Tensor> {
      const weights = host.weights();
      if (!isFast && cells.length === 0)
        for (let l = 0; l < L; l++) cells.push(makeCell(spec, weights[storedLayer(spec, l)]![0]!, false, host.policy));
      const [output, ...next] = await withEngine(engine, () => {
        const cur = live();
        return tf.tidy(() => {
          let h = cur.state.h;
          let c = cur.state.c;
          if (call.reset) {
            const mask = tf.tensor2d(call.reset, [B, 1], 'bool');
            h = h.map((t, l) => tf.where(mask, cur.start.h[l]!, t));
            c = c.map((t, l) => tf.where(mask, cur.start.c[l]!, t));
          }
          const masks = stepMasks(call.lengths, call.k, B);
          const outs: tf.Tensor[] = [];
          for (const xt of isFast ? uploadSteps3d(x) : uploadSteps(x, false)) {
            const t = outs.length;
            let input = [xt];
            for (let l = 0; l < L; l++) {
              const s = isFast
                ? { h: gruStep(fast[l]!, input[0]!, h[l]!, spec.linearBeforeReset), c: null }
                : cells[l]!.step(input, { h: h[l]!, c: isLstm ? c[l]! : null });
              const keep = masks?.at(t, Hout) ?? null;
              // Past its length a row keeps its state and outputs zeros, as in forward (run-direction.ts).
              const hNew = keep ? tf.where(keep, s.h, h[l]!) : s.h;
              if (isLstm && s.c)
                c = c.map((old, j) =>
                  j === l ? (keep ? tf.where(masks!.at(t, spec.hiddenSize) ?? keep, s.c!, old) : s.c!) : old,
                );
              h = h.map((old, j) => (j === l ? hNew : old));
              input = [keep ? tf.where(keep, s.h, masks!.zeros(Hout)) : s.h];
            }
            outs.push(input[0]!);
          }
          // One step (the usual call) downloads the top layer's [B, Hout] without a stack op; a clone
          // (a second handle on the same data, no copy) since that tensor is also the kept state.
          const out = outs.length === 1 ? tf.clone(outs[0]!) : isFast ? tf.concat(outs, 0) : tf.stack(outs);
          return [out, ...h, ...c];
        });
      });
      const old = live().state;
      state = split(next);
      tf.dispose(flat(old));
      try {
        const y = await fromTf(output as tf.Tensor);
        return tensor(y.data as Float32Array, [call.k, B, Hout]);
      } finally {
        output?.dispose();
      }
    },
    async readState(): Promise<RnnState> {
      const s = live().state;
      const [h, c] = await withEngine(engine, () =>
        tf.tidy(() => {
          const join = (ts: tf.Tensor[]): tf.Tensor => (isFast ? tf.concat(ts, 0) : tf.stack(ts));
          return isLstm ? [join(s.h), join(s.c)] : [join(s.h)];
        }),
      );
      try {
        const hs = await fromTf(h as tf.Tensor);
        return c ? { h: hs, c: await fromTf(c) } : { h: hs };
      } finally {
        tf.dispose(c ? [h as tf.Tensor, c] : [h as tf.Tensor]);
      }
    },
    async reset(next: RnnState | null): Promise<void> {
      await withEngine(engine, () => {
        free();
        load(next);
      });
    },
    dispose(): Promise<void> {
      free();
      return Promise.resolve();
    },
    free,
  };
}

/** The chunk `[k, B, I]` as k tensors `[1, B, I]` (the fast GRU step's rank). */
function uploadSteps3d(x: Tensor): tf.Tensor[] {
  const data = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data);
  const [k = 0, B = 0, I = 0] = x.shape;
  return Array.from({ length: k }, (_, s) =>
    tf.tensor3d(data.subarray(s * B * I, (s + 1) * B * I), [1, B, I], 'float32'),
  );
}
