import type { RnnState } from './backend.js';
import { type RnnSpec, outputSize } from './config.js';
import { ShapeError, UnsupportedError } from './errors.js';
import { checkBytes, forwardWorkingBytes } from './size-limit.js';
import type { StepOptions, StreamOptions } from './stream.js';
import { type Tensor, formatShape, sameShape } from './tensor.js';

/** What a checked `step` call runs: k steps of B rows, and the per-row options as plain arrays. */
export interface StepCall {
  /** Steps in the chunk. */
  readonly k: number;
  /** True when the input was one step `[B, I]`: the output then has no step axis. */
  readonly isSingle: boolean;
  /** Valid steps per row, or null when every row runs all k. */
  readonly lengths: Int32Array | null;
  /** 1 where a row restarts from the start state, or null when none does. */
  readonly reset: Uint8Array | null;
}

/**
 * Refuses specs that cannot stream.
 *
 * @throws {@link UnsupportedError} for a bidirectional spec: its reverse direction starts at the end
 *   of the sequence, which a stream has not seen yet.
 */
export function checkStreamSpec(spec: RnnSpec): void {
  if (spec.bidirectional) {
    throw new UnsupportedError(
      'stream: a bidirectional spec cannot stream; its reverse direction reads the sequence from its last step, which a stream has not received yet (run forward on the whole sequence instead)',
    );
  }
}

/** State shapes of a stream with B rows: h `[L, B, Hout]`, c `[L, B, H]`. */
export function streamStateShapes(
  spec: RnnSpec,
  B: number,
): {
  /** Shape of h: `[L, B, Hout]`. */
  readonly h: number[];
  /** Shape of the LSTM cell state c: `[L, B, H]`. */
  readonly c: number[];
} {
  return { h: [spec.numLayers, B, outputSize(spec)], c: [spec.numLayers, B, spec.hiddenSize] };
}

function checkData(where: string, t: unknown): asserts t is Tensor {
  if (typeof t !== 'object' || t === null || !Array.isArray((t as Tensor).shape)) {
    throw new ShapeError(`${where} must be a tensor ({ dtype, shape, data }), got ${t === null ? 'null' : typeof t}`);
  }
  const { shape, data } = t as Tensor;
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    throw new ShapeError(`${where}.data must be a Float32Array or Float64Array`);
  }
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || shape.reduce((n, d) => n * d, 1) !== data.length) {
    throw new ShapeError(`${where} of shape ${formatShape(shape)} does not hold its ${data.length} elements`);
  }
}

/**
 * Checks a start state against the stream's batch.
 *
 * @throws {@link ShapeError} naming the tensor, the shape expected and the shape given.
 */
export function checkStreamState(where: string, spec: RnnSpec, B: number, state: RnnState): void {
  if (typeof state !== 'object' || state === null)
    throw new ShapeError(`${where}: the state must be { h, c? }, got ${state === null ? 'null' : typeof state}`);
  const want = streamStateShapes(spec, B);
  checkData(`${where}: h`, state.h);
  if (!sameShape(state.h.shape, want.h))
    throw new ShapeError(`${where}: h must be ${formatShape(want.h)}, got ${formatShape(state.h.shape)}`);
  if (spec.mode !== 'lstm') {
    if (state.c !== undefined) throw new ShapeError(`${where}: c is only for lstm, got c with mode ${spec.mode}`);
    return;
  }
  if (state.c === undefined) return;
  checkData(`${where}: c`, state.c);
  if (!sameShape(state.c.shape, want.c))
    throw new ShapeError(`${where}: c must be ${formatShape(want.c)}, got ${formatShape(state.c.shape)}`);
}

/**
 * The batch of a new stream: `batchSize`, else the batch of `initial`, else 1; checks `initial`.
 *
 * @throws {@link ShapeError} on a batch size that is not a positive integer or an initial state that does not match it.
 */
export function checkStreamOptions(spec: RnnSpec, options: StreamOptions): number {
  const B = options.batchSize ?? (options.initial?.h?.shape?.[1] as number | undefined) ?? 1;
  if (!Number.isSafeInteger(B) || B < 1)
    throw new ShapeError(`stream: batchSize must be a positive integer, got ${String(B)}`);
  if (options.initial !== undefined) checkStreamState('stream: initial', spec, B, options.initial);
  return B;
}

function perRow(where: string, values: unknown, B: number): ArrayLike<unknown> {
  if (typeof values !== 'object' || values === null || typeof (values as ArrayLike<unknown>).length !== 'number') {
    throw new ShapeError(`${where} must be an array of ${B} entries, got ${values === null ? 'null' : typeof values}`);
  }
  const a = values as ArrayLike<unknown>;
  if (a.length !== B) throw new ShapeError(`${where} must have one entry per row (${B}), got ${a.length}`);
  return a;
}

/**
 * Checks one `step` call: `x` is `[B, I]` or `[k, B, I]` with the stream's B and the spec's I,
 * `lengths` are integers in [0, k], `reset` has one flag per row.
 *
 * @throws {@link ShapeError} saying what was expected and what arrived.
 * @throws {@link SizeLimitError} when the chunk's working memory would exceed `maxBytes`.
 */
export function checkStepArgs(
  spec: RnnSpec,
  B: number,
  x: Tensor,
  options: StepOptions,
  maxBytes: number | undefined,
): StepCall {
  checkData('stream.step: x', x);
  const shape = x.shape;
  if (shape.length !== 2 && shape.length !== 3) {
    throw new ShapeError(`stream.step: x must be [B, I] or [k, B, I], got rank ${shape.length} ${formatShape(shape)}`);
  }
  const isSingle = shape.length === 2;
  const k = isSingle ? 1 : (shape[0] as number);
  const rows = shape[shape.length - 2] as number;
  const I = shape[shape.length - 1] as number;
  if (k < 1) throw new ShapeError(`stream.step: x needs at least one step, got ${formatShape(shape)}`);
  if (rows !== B) throw new ShapeError(`stream.step: x has ${rows} rows, the stream was opened with batchSize ${B}`);
  if (I !== spec.inputSize)
    throw new ShapeError(`stream.step: x has ${I} features, config.inputSize is ${spec.inputSize}`);
  checkBytes(
    `stream.step: a ${spec.mode} chunk with k=${k}, B=${B}`,
    forwardWorkingBytes(spec, { T: k, B }, x.dtype),
    maxBytes,
    'model.stream (options.maxBytes)',
  );
  let lengths: Int32Array | null = null;
  if (options.lengths !== undefined) {
    const a = perRow('stream.step: lengths', options.lengths, B);
    lengths = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const L = a[b];
      if (typeof L !== 'number' || !Number.isInteger(L) || L < 0 || L > k) {
        throw new ShapeError(`stream.step: lengths[${b}] must be an integer in [0, ${k}], got ${String(L)}`);
      }
      lengths[b] = L;
    }
  }
  let reset: Uint8Array | null = null;
  if (options.reset !== undefined) {
    const a = perRow('stream.step: reset', options.reset, B);
    reset = new Uint8Array(B);
    for (let b = 0; b < B; b++) reset[b] = a[b] ? 1 : 0;
    if (!reset.includes(1)) reset = null;
  }
  return { k, isSingle, lengths, reset };
}
