import type { RnnState } from './backend.js';
import type { RnnSpec } from './config.js';
import { BackendDisposedError } from './errors.js';
import type { RnnStream, StepOptions } from './stream.js';
import { type StepCall, checkStepArgs, checkStreamState } from './stream-checks.js';
import { type DecodeCall, type DecodeHead, checkDecodeArgs, decodeOnHost } from './stream-decode.js';
import { type Tensor, tensor } from './tensor.js';

/**
 * What a backend supplies to stream: the state lives inside the engine (on its device); the engine
 * gets arguments already checked and one call at a time, from {@link openStream}.
 */
export interface StreamEngine {
  /**
   * Runs a chunk: rows with `call.reset` restart from the start state, then `x` `[k, B, I]`
   * (time-major) advances the state by `call.k` steps (per-row `call.lengths`).
   *
   * @returns the top layer's output `[k, B, Hout]`.
   */
  step(x: Tensor, call: StepCall): Promise<Tensor>;
  /** The state as host tensors h `[L, B, Hout]`, c `[L, B, H]` (LSTM). */
  readState(): Promise<RnnState>;
  /** Sets the state, and the start state of row resets, to `initial` (zeros when null). */
  reset(initial: RnnState | null): Promise<void>;
  /** Frees what the engine holds; called once. */
  dispose(): Promise<void>;
  /**
   * Greedy decoding on the engine's device (optional): the tokens {@link decodeOnHost} would choose,
   * or null when this call cannot run there (the stream then decodes on the host through `step`).
   */
  decodeGreedy?(call: DecodeCall): Promise<Int32Array | null>;
}

/** Who owns a stream: its spec, and whether the model under it is gone. */
export interface StreamOwner {
  /** The spec of the model the stream runs. */
  readonly spec: RnnSpec;
  /** True once the model was disposed: the stream's calls then throw BackendDisposedError. */
  isModelDisposed(): boolean;
}

/**
 * The one implementation of {@link RnnStream}'s contract around a backend's {@link StreamEngine}:
 * argument checks at the call (before queueing, so a bad call fails at once and changes nothing), a
 * queue so calls run one after another in call order, dispose semantics, and the model-disposed check.
 *
 * @param B - the stream's batch (checked by `checkStreamOptions`).
 * @param maxBytes - the stream's working-memory limit per step.
 */
export function openStream(
  owner: StreamOwner,
  B: number,
  maxBytes: number | undefined,
  engine: StreamEngine,
): RnnStream {
  return new QueuedStream(owner, B, maxBytes, engine);
}

class QueuedStream implements RnnStream {
  #tail: Promise<unknown> = Promise.resolve();
  #isDisposed = false;
  #engineFreed: Promise<void> | null = null;

  constructor(
    private readonly owner: StreamOwner,
    readonly batchSize: number,
    private readonly maxBytes: number | undefined,
    private readonly engine: StreamEngine,
  ) {}

  step(x: Tensor, options: StepOptions = {}): Promise<Tensor> {
    return this.#enqueue(
      'step',
      () => checkStepArgs(this.owner.spec, this.batchSize, x, options, this.maxBytes),
      async (call) => {
        const chunk = call.isSingle ? tensor(x.data, [1, ...x.shape]) : x;
        const out = await this.engine.step(chunk, call);
        return call.isSingle ? tensor(out.data, out.shape.slice(1)) : out;
      },
    );
  }

  decodeGreedy(head: DecodeHead, first: ArrayLike<number>, steps: number): Promise<Int32Array> {
    return this.#enqueue(
      'decodeGreedy',
      () => checkDecodeArgs(this.owner.spec, this.batchSize, head, first, steps),
      async (call) =>
        (await this.engine.decodeGreedy?.(call)) ??
        decodeOnHost(this.owner.spec, this.batchSize, call, (x) =>
          this.engine.step(x, { k: 1, isSingle: false, lengths: null, reset: null }),
        ),
    );
  }

  readState(): Promise<RnnState> {
    return this.#enqueue(
      'readState',
      () => undefined,
      () => this.engine.readState(),
    );
  }

  reset(initial?: RnnState): Promise<void> {
    return this.#enqueue(
      'reset',
      () => {
        if (initial !== undefined) checkStreamState('stream.reset: initial', this.owner.spec, this.batchSize, initial);
      },
      () => this.engine.reset(initial ?? null),
    );
  }

  async dispose(): Promise<void> {
    if (this.#isDisposed) return this.#engineFreed ?? undefined;
    this.#isDisposed = true;
    await this.#tail;
    await this.#freeEngine();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #freeEngine(): Promise<void> {
    this.#engineFreed ??= this.engine.dispose();
    return this.#engineFreed;
  }

  #checkLive(what: string): void {
    if (this.#isDisposed) throw new BackendDisposedError(`stream.${what}: the stream was disposed`);
    if (this.owner.isModelDisposed()) throw new BackendDisposedError(`stream.${what}: the stream's model was disposed`);
  }

  /** Checks now, runs when the calls before it have finished; a failed call leaves the queue going. */
  #enqueue<C, R>(what: string, check: () => C, run: (checked: C) => Promise<R>): Promise<R> {
    let checked: C;
    try {
      this.#checkLive(what);
      checked = check();
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const result = this.#tail.then(async () => {
      // The model may have gone while this call waited: its device memory is freed, so is ours.
      if (this.owner.isModelDisposed()) {
        await this.#freeEngine();
        throw new BackendDisposedError(`stream.${what}: the stream's model was disposed`);
      }
      return run(checked);
    });
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
