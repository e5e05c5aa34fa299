import {
  BackendDisposedError,
  type CarriedState,
  HEAD_PARAM_NAMES,
  type OptimizerState,
  type RnnSpec,
  type RnnState,
  type RnnTrainer,
  ShapeError,
  type Tensor,
  type TrainBatch,
  type TrainStepResult,
  type TrainerInit,
  type TrainerParams,
  checkOptimizerState,
  checkRestoredParams,
  checkTrainBatch,
  checkTrainerInit,
  clipGlobalNorm,
  formatShape,
  hiddenStateShape,
  isCarriedState,
  paramLayout,
  sameShape,
  swapLeadingAxes,
  updateParameter,
} from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { ensureGradients } from './autograd.js';
import { differentiateStack } from './differentiate.js';
import { dropoutOf } from './dropout.js';
import { type OpPolicy, opPolicyFor } from './op-policy.js';
import { type TrainedSlot, clipAndUpdate } from './optimizer-ops.js';
import { runInUserLayout } from './run-layout.js';
import { linearSoftmaxLoss } from './softmax-head.js';
import { fromTf, toTf, uploadSteps } from './tensor-convert.js';
import type { EngineName } from './engine-name.js';

/** What a trainer needs of its backend: the engine and a way to run ops on it. */
export interface TrainerHost {
  /** The engine the trainer's variables and ops live on. */
  readonly engine: EngineName;
  /** Runs `build` on that engine; rejects with `BackendDisposedError` once the backend is disposed. */
  run<T>(build: () => T): Promise<T>;
}

/** The final state of a step, still on the engine. */
interface Carried {
  readonly handle: CarriedState;
  readonly h: tf.Tensor;
  readonly c: tf.Tensor | null;
}

/**
 * The tfjs trainer: parameters, head and Adam moments are `tf.Variable`s on the backend's engine;
 * one step is one taped forward (head and loss included) and backward (`differentiateStack`, the
 * code `gradients` uses too), then clipping and the update as engine ops. The host reads back the loss
 * and the norm; the final state stays on the engine until read.
 */
export class TfjsTrainer implements RnnTrainer {
  /** The spec being trained. */
  readonly spec: RnnSpec;
  readonly #host: TrainerHost;
  readonly #init: TrainerInit;
  readonly #policy: OpPolicy;
  /** The head first, then the RNN in layout order. */
  readonly #slots: TrainedSlot[];
  readonly #rnn: Record<string, tf.Variable>;
  readonly #head: { readonly weight: tf.Variable; readonly bias: tf.Variable } | null;
  readonly #onDispose: (t: TfjsTrainer) => void;
  #step = 0;
  #carried: Carried | null = null;
  #isDisposed = false;

  private constructor(spec: RnnSpec, host: TrainerHost, init: TrainerInit, onDispose: (t: TfjsTrainer) => void) {
    this.spec = spec;
    this.#host = host;
    this.#init = init;
    this.#policy = opPolicyFor(host.engine);
    this.#onDispose = onDispose;
    const isAdam = init.optimizer.name === 'adam';
    const slot = (name: string, t: Tensor): TrainedSlot => {
      const initial = toTf(t);
      const value = tf.variable(initial, true);
      initial.dispose();
      const zeros = (): tf.Variable => tf.tidy(() => tf.variable(tf.zerosLike(value), false));
      return { name, value, m: isAdam ? zeros() : null, v: isAdam ? zeros() : null };
    };
    const head = init.params.head;
    this.#slots = [
      ...(head ? [slot(HEAD_PARAM_NAMES.weight, head.weight), slot(HEAD_PARAM_NAMES.bias, head.bias)] : []),
      ...paramLayout(spec).map((s) => slot(s.name, init.params.rnn[s.name] as Tensor)),
    ];
    this.#head = head ? { weight: this.#slots[0]!.value, bias: this.#slots[1]!.value } : null;
    this.#rnn = {};
    for (const s of this.#slots.slice(head ? 2 : 0)) this.#rnn[s.name] = s.value;
  }

  /**
   * Creates a trainer on `host`'s engine.
   *
   * @throws {@link @deeprnn/core!ParameterError | ParameterError} or
   *   {@link @deeprnn/core!UnsupportedError | UnsupportedError} when `init` does not fit `spec`.
   */
  static async create(
    spec: RnnSpec,
    host: TrainerHost,
    init: TrainerInit,
    onDispose: (t: TfjsTrainer) => void,
  ): Promise<TfjsTrainer> {
    checkTrainerInit(spec, init, 'tfjs trainer');
    await ensureGradients();
    const trainer = await host.run(() => new TfjsTrainer(spec, host, init, onDispose));
    if (init.optimizerState) await trainer.restore({ optimizerState: init.optimizerState });
    return trainer;
  }

  async step(batch: TrainBatch): Promise<TrainStepResult> {
    this.#live();
    const { spec } = this;
    const head = this.#head;
    const call = checkTrainBatch(spec, batch, head ? (head.bias.shape[0] ?? 0) : null, 'tfjs trainer');
    const carried =
      batch.initial && isCarriedState(batch.initial)
        ? this.#resolve(batch.initial, hiddenStateShape(spec, call))
        : null;
    const hostInitial = batch.initial && !isCarriedState(batch.initial) ? batch.initial : undefined;
    // The head reads rows time-major (the RNN's steps); targets come in the output's row order.
    const targets =
      batch.targets && spec.batchFirst && !call.isUnbatched
        ? swapLeadingAxes(batch.targets, call.B, call.T, 1)
        : batch.targets;
    const step = this.#step + 1;
    const { stats, kept, value, ordered } = await this.#host.run(() => {
      const uploaded: tf.Tensor[] = uploadSteps(batch.input, spec.batchFirst);
      const xSteps = [...uploaded];
      const h0 = carried ? carried.h : hostInitial ? toTf(hostInitial.h) : null;
      const c0 = carried ? carried.c : hostInitial?.c ? toTf(hostInitial.c) : null;
      if (!carried) uploaded.push(...[h0, c0].filter((t): t is tf.Tensor => t !== null));
      const gOut = head ? null : toTf(batch.gradOutput as Tensor);
      if (gOut) uploaded.push(gOut);
      let kept: tf.Tensor[] = [];
      const { value, grads } = differentiateStack(
        spec,
        this.#policy,
        this.#rnn,
        head ? [head.weight, head.bias] : [],
        (weights, hv) => {
          const out = runInUserLayout(spec, weights, {
            x: { xSteps, isUnbatched: call.isUnbatched },
            h0,
            c0,
            lengths: batch.lengths ?? null,
            dropout: dropoutOf(spec, { training: true, dropoutSeed: batch.dropoutSeed ?? 0 }),
            policy: this.#policy,
          });
          kept = out.c ? [tf.keep(out.h), tf.keep(out.c)] : [tf.keep(out.h)];
          if (!gOut)
            return linearSoftmaxLoss(out.outputSteps, hv[0] as tf.Tensor, hv[1] as tf.Tensor, targets as Int32Array, {
              softmaxOnHost: this.#policy.canReadSync,
            });
          return tf.sum(tf.mul(out.output, gOut));
        },
      );
      // differentiateStack lists the RNN's gradients first, then the head's; slots hold the head first.
      const nRnn = Object.keys(this.#rnn).length;
      const ordered = head ? [...grads.slice(nRnn), ...grads.slice(0, nRnn)] : grads;
      tf.dispose(uploaded);
      if (!this.#policy.canReadSync) return { stats: null, kept, value, ordered };
      const stats = tf.tidy(() =>
        tf.stack([value, clipAndUpdate(this.#slots, ordered, this.#init.optimizer, this.#init.gradClipNorm, step)]),
      );
      tf.dispose([value, ...grads]);
      return { stats, kept, value: null, ordered: [] };
    });
    this.#step = step;
    this.#replaceCarried(kept);
    if (stats === null) {
      // WebGPU: elementwise ops on the gradients tfjs-webgpu returns here came out wrong (measured on
      // lavapipe: sum(g*g) gave sum(g)), while their values read back right; so this engine clips
      // and updates on the host with core's definition, and writes the new values back. (A likely
      // cause, found later: tf.addN over 14 inputs exceeds WebGPU's 8 storage buffers per stage;
      // clipAndUpdate no longer uses addN, but this path stays until re-measured on a GPU.)
      try {
        const [loss] = await value!.data();
        const gradNorm = await this.#hostUpdate(ordered, step);
        return { loss: loss ?? NaN, gradNorm, state: this.#carried!.handle };
      } finally {
        tf.dispose([value!, ...ordered]);
      }
    }
    try {
      const [loss, gradNorm] = await stats.data();
      return { loss: loss ?? NaN, gradNorm: gradNorm ?? NaN, state: this.#carried!.handle };
    } finally {
      stats.dispose();
    }
  }

  /** Clipping and the update on the host (core's `clipGlobalNorm` and `updateParameter`), values written back. */
  async #hostUpdate(grads: readonly tf.Tensor[], step: number): Promise<number> {
    const read = async (t: tf.Tensor): Promise<Float32Array> => Float32Array.from(await t.data());
    const g = await Promise.all(grads.map(read));
    const norm = clipGlobalNorm(g, this.#init.gradClipNorm);
    const next = await Promise.all(
      this.#slots.map(async (s, i) => {
        const p = await read(s.value);
        const moments = s.m && s.v ? { m: await read(s.m), v: await read(s.v) } : null;
        updateParameter(this.#init.optimizer, step, p, g[i]!, moments);
        return { p, moments };
      }),
    );
    await this.#host.run(() =>
      this.#slots.forEach((s, i) => {
        const { p, moments } = next[i]!;
        tf.tidy(() => {
          s.value.assign(tf.tensor(p, s.value.shape));
          if (moments && s.m && s.v) {
            s.m.assign(tf.tensor(moments.m, s.m.shape));
            s.v.assign(tf.tensor(moments.v, s.v.shape));
          }
        });
      }),
    );
    return norm;
  }

  #resolve(initial: CarriedState, want: number[]): Carried {
    const c = this.#carried;
    if (c?.handle !== initial)
      throw new BackendDisposedError(
        "tfjs trainer: initial is a carried state this trainer no longer holds (pass the latest step's)",
      );
    if (!sameShape(c.h.shape, want))
      throw new ShapeError(
        `tfjs trainer: the carried state is ${formatShape(c.h.shape)}, this batch needs h0 ${formatShape(want)}`,
      );
    return c;
  }

  #replaceCarried(kept: tf.Tensor[]): void {
    if (this.#carried) tf.dispose([this.#carried.h, ...(this.#carried.c ? [this.#carried.c] : [])]);
    const [h, c] = kept as [tf.Tensor, tf.Tensor | undefined];
    const handle: CarriedState = {
      read: async (): Promise<RnnState> => {
        if (this.#carried?.handle !== handle)
          throw new BackendDisposedError('tfjs trainer: this carried state was superseded by a later step');
        const [hh, cc] = await Promise.all([fromTf(h), ...(c ? [fromTf(c)] : [])]);
        return cc ? { h: hh as Tensor, c: cc } : { h: hh as Tensor };
      },
    };
    this.#carried = { handle, h, c: c ?? null };
  }

  async readParams(): Promise<TrainerParams> {
    this.#live();
    const rnn: Record<string, Tensor> = {};
    for (const [name, v] of Object.entries(this.#rnn)) rnn[name] = await fromTf(v);
    const head = this.#head ? { weight: await fromTf(this.#head.weight), bias: await fromTf(this.#head.bias) } : null;
    return { rnn: Object.freeze(rnn), head };
  }

  async readOptimizerState(): Promise<OptimizerState> {
    this.#live();
    const moments: Record<string, Tensor> = {};
    for (const s of this.#slots) {
      if (s.m) moments[`m.${s.name}`] = await fromTf(s.m);
      if (s.v) moments[`v.${s.name}`] = await fromTf(s.v);
    }
    return { step: this.#step, moments: Object.freeze(moments) };
  }

  async restore(snapshot: {
    readonly params?: TrainerParams;
    readonly optimizerState?: OptimizerState;
  }): Promise<void> {
    this.#live();
    const current: TrainerParams = { rnn: this.#init.params.rnn, head: this.#init.params.head };
    const p = snapshot.params;
    const o = snapshot.optimizerState;
    if (p) checkRestoredParams(this.spec, current, p, 'tfjs trainer');
    if (o) checkOptimizerState(this.spec, current, o, 'tfjs trainer');
    await this.#host.run(() => {
      for (const s of this.#slots) {
        if (p) {
          const src =
            s.name === HEAD_PARAM_NAMES.weight
              ? p.head?.weight
              : s.name === HEAD_PARAM_NAMES.bias
                ? p.head?.bias
                : p.rnn[s.name];
          if (src) tf.tidy(() => s.value.assign(toTf(src)));
        }
        if (o) {
          // Absent moments (a fresh or SGD state) are zeros.
          const m = o.moments[`m.${s.name}`];
          const v = o.moments[`v.${s.name}`];
          if (s.m) tf.tidy(() => s.m!.assign(m ? toTf(m) : tf.zerosLike(s.value)));
          if (s.v) tf.tidy(() => s.v!.assign(v ? toTf(v) : tf.zerosLike(s.value)));
        }
      }
    });
    if (o) this.#step = o.step;
  }

  #live(): void {
    if (this.#isDisposed) throw new BackendDisposedError('tfjs trainer: used after dispose()');
  }

  async dispose(): Promise<void> {
    if (this.#isDisposed) return;
    this.#isDisposed = true;
    const c = this.#carried;
    this.#carried = null;
    tf.dispose([
      ...this.#slots.flatMap((s) => [s.value, ...(s.m ? [s.m] : []), ...(s.v ? [s.v] : [])]),
      ...(c ? [c.h, ...(c.c ? [c.c] : [])] : []),
    ]);
    this.#onDispose(this);
  }

  /** Same as `dispose()`; lets `await using` free it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
