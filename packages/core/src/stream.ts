import type { DecodeHead } from './stream-decode.js';
import type { RnnState } from './backend.js';
import type { Tensor } from './tensor.js';

/** Options of {@link RnnModel.stream}. */
export interface StreamOptions {
  /**
   * Independent streams run side by side (batch rows). Default: the batch of `initial`, else 1.
   * Every `step` then takes exactly this many rows.
   */
  readonly batchSize?: number;
  /**
   * Where the stream starts: h0 `[L, B, Hout]` (and c0 `[L, B, H]` for LSTM), always batched. Absent
   * means zeros. It is also the state a row returns to under {@link StepOptions.reset}.
   */
  readonly initial?: RnnState;
  /** Refuse (SizeLimitError) a step whose working memory would exceed this many bytes. Default 2 GiB. */
  readonly maxBytes?: number;
}

/** Per-call options of {@link RnnStream.step}. */
export interface StepOptions {
  /**
   * Valid steps of each row in this chunk (one per row, each in [0, k]). A row advances over its
   * first `lengths[b]` steps only: its outputs past them are zero and its state stays where it
   * stopped, exactly as {@link ForwardOptions.lengths} does for one forward call.
   */
  readonly lengths?: ArrayLike<number>;
  /**
   * One flag per row (truthy = reset): those rows go back to the stream's start state (its
   * `initial`, or what the last `reset(initial)` set) before this chunk runs. For batches of
   * independent streams where one row's sequence ends and a new one begins.
   */
  readonly reset?: ArrayLike<boolean | number>;
}

/**
 * Step-by-step inference with the recurrent state kept where the backend keeps its tensors (GPU
 * buffers, tfjs tensors, ORT tensors) between calls; the host sees the state only on
 * {@link RnnStream.readState}. Streaming any split of a sequence gives the outputs and final state of
 * one `forward` over the whole sequence.
 *
 * Calls are queued: each one starts after the previous call on the same stream has finished and sees
 * the state that call left, so `step(a); step(b)` without awaiting runs a then b. A call that fails
 * leaves the state as it was.
 *
 * @example
 * ```ts
 * await using stream = await model.stream({ batchSize: 1 });
 * for (const frame of frames) {
 *   const y = await stream.step(frame);          // frame: [1, I]; y: [1, Hout]
 * }
 * const { h } = await stream.readState();
 * ```
 */
export interface RnnStream extends AsyncDisposable {
  /** Rows of every step, fixed when the stream opens. */
  readonly batchSize: number;
  /**
   * Advances the stream: `x` is one step `[B, I]` or k steps `[k, B, I]` (time-major whatever the
   * spec's `batchFirst`), and the state moves on by them.
   *
   * @returns the top layer's output: `[B, Hout]` for `[B, I]`, `[k, B, Hout]` for `[k, B, I]`.
   * @throws {@link ShapeError} on a wrong input, lengths or reset mask, before any work starts.
   * @throws {@link BackendDisposedError} after the stream or its model was disposed.
   */
  step(x: Tensor, options?: StepOptions): Promise<Tensor>;
  /**
   * Copies the current state to the host.
   *
   * @returns h `[L, B, Hout]` (and c `[L, B, H]` for LSTM), fresh arrays the caller may keep.
   */
  readState(): Promise<RnnState>;
  /**
   * Sets the state back to `initial` (zeros when absent), which becomes the start state of row resets.
   *
   * @throws {@link ShapeError} when `initial` does not match the stream's batch.
   */
  reset(initial?: RnnState): Promise<void>;
  /**
   * Greedy decoding with a linear head, for models whose input is a one-hot token (language models):
   * each row feeds `first`, then for each of `steps` tokens runs one step, computes `logits = W y + b`
   * and feeds back the argmax ({@link greedyToken}'s rule: the lowest index among equal maxima).
   * Every backend gives the tokens the host definition ({@link decodeOnHost}) gives, as far as its
   * float32 logits agree; a GPU backend keeps the whole loop on the device (one submit and one
   * readback of the tokens per call). The state moves on by `steps` steps, as `step` would move it.
   *
   * @param head - weight `[V, Hout]`, bias `[V]`, with V the spec's `inputSize`.
   * @param first - one token per row, in [0, V).
   * @param steps - tokens per row, 1 to {@link MAX_DECODE_STEPS}.
   * @returns the chosen tokens, `[steps, B]` row-major.
   * @throws {@link ShapeError} on a wrong head, first tokens or steps, before any work starts.
   */
  decodeGreedy(head: DecodeHead, first: ArrayLike<number>, steps: number): Promise<Int32Array>;
  /** Frees the state. Safe to call twice; calls queued before it still run, later ones throw. */
  dispose(): Promise<void>;
}
