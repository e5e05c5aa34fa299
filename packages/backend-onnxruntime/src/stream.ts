import {
  type RnnSpec,
  type RnnState,
  type StepCall,
  type StreamEngine,
  type Tensor,
  outputSize,
  streamStateShapes,
  swapLeadingAxes,
  tensor,
} from '@deeprnn/core';
import { GRAPH_NAMES } from '@deeprnn/onnx';
import type { InferenceSession, Tensor as OrtTensor } from '#ort';
import type { Ort } from './ort-module.js';
import { type LazyModel, hasNonFinite } from './non-finite-route.js';

/** What an ONNX Runtime stream needs from its model. */
export interface OrtStreamHost {
  readonly spec: RnnSpec;
  readonly ort: Ort;
  /** The model's session; throws once the model is disposed. */
  session(): InferenceSession;
  /** The NaN-keeping path for chunks with non-finite values (see non-finite-route.ts), or null. */
  readonly nonFinitePath: LazyModel | null;
}

function float32(data: Float32Array | Float64Array): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

/**
 * The ONNX Runtime stream: the state lives in ORT tensors between steps, and the `hN`/`cN` tensors a
 * run returns are fed, as they are, as the next run's `h0`/`c0` (no copy, no conversion); the
 * `sequence_lens` tensor of a full chunk is made once per chunk length. Per step only the chunk goes
 * in and its output comes out. The session is the model's own (its time axis is dynamic, so one
 * session serves single steps and chunks alike).
 */
export function onnxruntimeStreamEngine(host: OrtStreamHost, B: number, initial: RnnState | null): StreamEngine {
  const { spec, ort } = host;
  const n = GRAPH_NAMES;
  const shapes = streamStateShapes(spec, B);
  const isLstm = spec.mode === 'lstm';
  const I = spec.inputSize;
  let startH = new Float32Array(0);
  let startC: Float32Array | null = null;
  let h!: OrtTensor;
  let c: OrtTensor | null = null;
  const fullLengths = new Map<number, OrtTensor>();
  const load = (s: RnnState | null): void => {
    startH = s ? Float32Array.from(s.h.data) : new Float32Array(spec.numLayers * B * outputSize(spec));
    startC = isLstm
      ? s?.c
        ? Float32Array.from(s.c.data)
        : new Float32Array(spec.numLayers * B * spec.hiddenSize)
      : null;
    h = new ort.Tensor('float32', startH.slice(), shapes.h);
    c = startC ? new ort.Tensor('float32', startC.slice(), shapes.c) : null;
  };
  load(initial);
  const hostState = (): RnnState => {
    const hs = tensor(h.data as Float32Array, shapes.h);
    return c ? { h: hs, c: tensor(c.data as Float32Array, shapes.c) } : { h: hs };
  };
  /** Rows flagged in `mask` of a state `[L, B, F]` copy `from`'s rows. */
  const copyRows = (dst: Float32Array, from: Float32Array, mask: ArrayLike<number>, F: number): void => {
    for (let l = 0; l < spec.numLayers; l++) {
      for (let b = 0; b < B; b++)
        if (mask[b]) dst.set(from.subarray((l * B + b) * F, (l * B + b + 1) * F), (l * B + b) * F);
    }
  };
  const Hout = outputSize(spec);

  return {
    async step(x: Tensor, call: StepCall): Promise<Tensor> {
      const session = host.session();
      const { k } = call;
      if (call.reset) {
        copyRows(h.data as Float32Array, startH, call.reset, Hout);
        if (c && startC) copyRows(c.data as Float32Array, startC, call.reset, spec.hiddenSize);
      }
      const userX = spec.batchFirst && k > 1 ? swapLeadingAxes(float32(x.data), k, B, I) : float32(x.data);
      if (host.nonFinitePath !== null && hasNonFinite(x, hostState())) {
        // ORT's kernels would turn NaN into numbers; this chunk runs where NaN stays NaN.
        const dims = spec.batchFirst ? [B, k, I] : [k, B, I];
        const r = await (
          await host.nonFinitePath.get()
        ).forward(tensor(userX, dims), hostState(), call.lengths ? { lengths: call.lengths } : {});
        h = new ort.Tensor('float32', float32(r.state.h.data), shapes.h);
        c = r.state.c ? new ort.Tensor('float32', float32(r.state.c.data), shapes.c) : null;
        return timeMajor(float32(r.output.data), k);
      }
      let lengths = call.lengths ? new ort.Tensor('int32', call.lengths, [B]) : fullLengths.get(k);
      if (lengths === undefined) {
        lengths = new ort.Tensor('int32', new Int32Array(B).fill(k), [B]);
        fullLengths.set(k, lengths);
      }
      const feeds: Record<string, OrtTensor> = {
        [n.input]: new ort.Tensor('float32', userX, spec.batchFirst ? [B, k, I] : [k, B, I]),
        [n.h0]: h,
        [n.lengths]: lengths,
      };
      if (c) feeds[n.c0] = c;
      const result = await session.run(feeds);
      const hN = result[n.hN];
      const cN = isLstm ? result[n.cN] : undefined;
      const output = result[n.output];
      if (hN === undefined || output === undefined || (isLstm && cN === undefined))
        throw new Error('onnxruntime stream: the session returned no state or output');
      // ORT zeroes the final state of a row of length 0; the semantics keep the state it had.
      if (call.lengths?.includes(0)) {
        const idle = Array.from(call.lengths, (L) => (L === 0 ? 1 : 0));
        copyRows(hN.data as Float32Array, h.data as Float32Array, idle, Hout);
        if (c && cN) copyRows(cN.data as Float32Array, c.data as Float32Array, idle, spec.hiddenSize);
      }
      h = hN;
      c = cN ?? null;
      return timeMajor(output.data as Float32Array, k);
    },
    readState(): Promise<RnnState> {
      const hs = tensor(Float32Array.from(h.data as Float32Array), shapes.h);
      return Promise.resolve(c ? { h: hs, c: tensor(Float32Array.from(c.data as Float32Array), shapes.c) } : { h: hs });
    },
    reset(next: RnnState | null): Promise<void> {
      load(next);
      return Promise.resolve();
    },
    dispose(): Promise<void> {
      for (const t of [h, c, ...fullLengths.values()]) t?.dispose();
      fullLengths.clear();
      return Promise.resolve();
    },
  };

  /** A session output `[k, B, Hout]` (or `[B, k, Hout]` batch-first) as a time-major tensor. */
  function timeMajor(data: Float32Array, k: number): Tensor {
    const out = spec.batchFirst && k > 1 ? swapLeadingAxes(data, B, k, Hout) : data;
    return tensor(out, [k, B, Hout]);
  }
}
