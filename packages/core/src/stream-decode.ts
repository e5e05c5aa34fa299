import { type RnnSpec, outputSize } from './config.js';
import { ShapeError } from './errors.js';
import { type Tensor, tensor } from './tensor.js';

/**
 * A linear read-out `logits = weight · y + bias` over the stream's top-layer output y, whose argmax
 * is the next input token: the language-model head of {@link RnnStream.decodeGreedy}.
 */
export interface DecodeHead {
  /** `[V, Hout]`: one row per token; V must equal the spec's `inputSize` (the input is one-hot). */
  readonly weight: Tensor;
  /** `[V]`. */
  readonly bias: Tensor;
}

/** {@link RnnStream.decodeGreedy}'s arguments, checked. */
export interface DecodeCall {
  /** The read-out, shapes checked against the spec. */
  readonly head: DecodeHead;
  /** The token each row feeds first. */
  readonly first: Int32Array;
  /** Tokens to choose per row. */
  readonly steps: number;
}

/** The most tokens one `decodeGreedy` call chooses per row (a block; call again for more). */
export const MAX_DECODE_STEPS = 4096;

/**
 * Checks `decodeGreedy`'s arguments against the spec and the stream's batch.
 *
 * @throws {@link ShapeError} naming what was expected and what arrived.
 */
export function checkDecodeArgs(
  spec: RnnSpec,
  B: number,
  head: DecodeHead,
  first: ArrayLike<number>,
  steps: number,
): DecodeCall {
  const V = spec.inputSize;
  const F = outputSize(spec);
  const w = head?.weight;
  const b = head?.bias;
  if (!w || w.shape.length !== 2 || w.shape[0] !== V || w.shape[1] !== F || w.data.length !== V * F) {
    throw new ShapeError(
      `stream.decodeGreedy: head.weight must be [${V}, ${F}] (inputSize tokens x the top layer's output), got ${w ? `[${w.shape.join(', ')}]` : String(w)}`,
    );
  }
  if (!b || b.shape.length !== 1 || b.shape[0] !== V || b.data.length !== V) {
    throw new ShapeError(
      `stream.decodeGreedy: head.bias must be [${V}], got ${b ? `[${b.shape.join(', ')}]` : String(b)}`,
    );
  }
  if (!Number.isSafeInteger(steps) || steps < 1 || steps > MAX_DECODE_STEPS) {
    throw new ShapeError(
      `stream.decodeGreedy: steps must be an integer in [1, ${MAX_DECODE_STEPS}], got ${String(steps)}`,
    );
  }
  if (typeof first !== 'object' || first === null || first.length !== B) {
    throw new ShapeError(`stream.decodeGreedy: first must hold one token per row (${B}), got ${describe(first)}`);
  }
  const tokens = new Int32Array(B);
  for (let r = 0; r < B; r++) {
    const t = first[r];
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= V) {
      throw new ShapeError(`stream.decodeGreedy: first[${r}] must be a token in [0, ${V}), got ${String(t)}`);
    }
    tokens[r] = t;
  }
  return { head, first: tokens, steps };
}

function describe(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v);
  const n = (v as { length?: unknown }).length;
  return typeof n === 'number' ? `${n} entries` : 'an object without a length';
}

/**
 * The argmax of one row of logits by the rule every backend follows: the lowest index among equal
 * maxima, scanning in index order with `>` (so a NaN logit is never chosen over an earlier token).
 */
export function greedyToken(logits: ArrayLike<number>): number {
  let best = 0;
  for (let v = 1; v < logits.length; v++) if (logits[v]! > logits[best]!) best = v;
  return best;
}

/**
 * Greedy decoding on any stream's `step`: per token, one step on the one-hot of the previous token,
 * the head in float64 on the host, {@link greedyToken}. The definition a backend's own decoding
 * (on its device) must agree with.
 *
 * @returns the chosen tokens, `[steps, B]` row-major (step by step).
 */
export async function decodeOnHost(
  spec: RnnSpec,
  B: number,
  call: DecodeCall,
  step: (x: Tensor) => Promise<Tensor>,
): Promise<Int32Array> {
  const V = spec.inputSize;
  const F = outputSize(spec);
  const W = call.head.weight.data;
  const bias = call.head.bias.data;
  const out = new Int32Array(call.steps * B);
  const prev = Int32Array.from(call.first);
  const x = new Float32Array(B * V);
  const logits = new Float64Array(V);
  for (let s = 0; s < call.steps; s++) {
    x.fill(0);
    for (let r = 0; r < B; r++) x[r * V + prev[r]!] = 1;
    const y = (await step(tensor(x.slice(), [1, B, V]))).data;
    for (let r = 0; r < B; r++) {
      for (let v = 0; v < V; v++) {
        let sum = bias[v] as number;
        for (let f = 0; f < F; f++) sum += (W[v * F + f] as number) * (y[r * F + f] as number);
        logits[v] = sum;
      }
      prev[r] = greedyToken(logits);
      out[s * B + r] = prev[r]!;
    }
  }
  return out;
}
