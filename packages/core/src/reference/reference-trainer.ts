import type { RnnState } from '../backend.js';
import type { RnnSpec } from '../config.js';
import { type RnnParams, paramLayout } from '../params.js';
import { BackendDisposedError } from '../errors.js';

import { type DType, type Tensor, tensor } from '../tensor.js';
import { type AdamMoments, clipGlobalNorm, updateParameter } from '../training/host-optimizer.js';
import { softmaxHeadGradients } from '../training/softmax-head.js';
import {
  checkOptimizerState,
  checkRestoredParams,
  checkTrainBatch,
  checkTrainerInit,
  isCarriedState,
} from '../training/trainer-checks.js';
import {
  type CarriedState,
  HEAD_PARAM_NAMES,
  type OptimizerState,
  type RnnTrainer,
  type TrainBatch,
  type TrainStepResult,
  type TrainerInit,
  type TrainerParams,
} from '../trainer.js';
import { backwardStack, recordStack } from './backward/stack-gradients.js';
import { prepareStack } from './direction-weights.js';
import type { FloatArray } from './matmul.js';
import { copyAs } from './run-stack.js';

/** One trained tensor: its values in the working dtype (updated in place) and its shape. */
interface Slot {
  readonly name: string;
  readonly data: FloatArray;
  readonly shape: readonly number[];
}

function copyTensor(t: Tensor): Tensor {
  return tensor(t.data.slice(), t.shape);
}

function copyState(s: RnnState): RnnState {
  return s.c ? { h: copyTensor(s.h), c: copyTensor(s.c) } : { h: copyTensor(s.h) };
}

/**
 * The reference trainer: the recording forward and backward of the reference backend, the host head
 * ({@link softmaxHeadGradients}), clipping and optimizer ({@link clipGlobalNorm}, {@link updateParameter}),
 * all in the working dtype. It is the definition other trainers are judged against.
 */
class ReferenceTrainer implements RnnTrainer {
  /** Head first, then the RNN in layout order: the order of the norm's sum. */
  readonly #slots: Slot[];
  readonly #head: { readonly weight: Slot; readonly bias: Slot } | null;
  #moments = new Map<string, AdamMoments>();
  #step: number;
  #carried: { readonly handle: CarriedState; readonly state: RnnState } | null = null;
  #isDisposed = false;

  constructor(
    readonly spec: RnnSpec,
    private readonly init: TrainerInit,
    private readonly dtype: DType,
  ) {
    checkTrainerInit(spec, init, 'reference trainer');
    const head = init.params.head;
    this.#head = head
      ? {
          weight: { name: HEAD_PARAM_NAMES.weight, data: copyAs(dtype, head.weight.data), shape: head.weight.shape },
          bias: { name: HEAD_PARAM_NAMES.bias, data: copyAs(dtype, head.bias.data), shape: head.bias.shape },
        }
      : null;
    this.#slots = [
      ...(this.#head ? [this.#head.weight, this.#head.bias] : []),
      ...paramLayout(spec).map((s) => ({
        name: s.name,
        data: copyAs(dtype, init.params.rnn[s.name]!.data),
        shape: s.shape,
      })),
    ];
    this.#step = 0;
    if (init.optimizerState) this.#setOptimizerState(init.optimizerState);
  }

  step(batch: TrainBatch): Promise<TrainStepResult> {
    try {
      return Promise.resolve(this.#run(batch));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  #run(batch: TrainBatch): TrainStepResult {
    this.#live();
    const { spec, dtype } = this;
    const initial = this.#resolve(batch.initial);
    const head = this.#head;
    const call = checkTrainBatch(
      spec,
      { ...batch, ...(initial ? { initial } : {}) },
      head ? head.bias.data.length : null,
      'reference trainer',
    );
    const params = this.#rnnParams();
    const weights = prepareStack(spec, params, dtype);
    const options = {
      training: true,
      dropoutSeed: batch.dropoutSeed ?? 0,
      ...(batch.lengths ? { lengths: batch.lengths } : {}),
    };
    const rec = recordStack(spec, weights, batch.input, initial, options, call, dtype);
    const output = rec.result.output;
    let loss = 0;
    let dOut: Tensor;
    const grads: FloatArray[] = [];
    if (head) {
      const g = softmaxHeadGradients(output.data, head.weight.data, head.bias.data, batch.targets!);
      loss = g.loss;
      dOut = tensor(g.dY, output.shape);
      grads.push(g.dW, g.db);
    } else {
      dOut = batch.gradOutput!;
      for (let i = 0; i < output.data.length; i++) loss += output.data[i]! * dOut.data[i]!;
    }
    const rnnGrads = backwardStack(spec, weights, params, rec, { output: dOut }, dtype).params;
    for (const slot of this.#slots.slice(grads.length)) grads.push(rnnGrads[slot.name]!.data);
    const gradNorm = clipGlobalNorm(grads, this.init.gradClipNorm);
    this.#step += 1;
    const o = this.init.optimizer;
    this.#slots.forEach((slot, i) =>
      updateParameter(o, this.#step, slot.data, grads[i]!, o.name === 'adam' ? this.#momentsOf(slot) : null),
    );
    const state = rec.result.state;
    const handle: CarriedState = {
      read: () =>
        this.#carried?.handle === handle && !this.#isDisposed
          ? Promise.resolve(copyState(state))
          : Promise.reject(
              new BackendDisposedError('reference trainer: this carried state was superseded by a later step'),
            ),
    };
    this.#carried = { handle, state };
    return { loss, gradNorm, state: handle };
  }

  #resolve(initial: TrainBatch['initial']): RnnState | undefined {
    if (initial === undefined || !isCarriedState(initial)) return initial;
    if (this.#carried?.handle !== initial) {
      throw new BackendDisposedError(
        "reference trainer: initial is a carried state this trainer no longer holds (pass the latest step's)",
      );
    }
    return this.#carried.state;
  }

  #momentsOf(slot: Slot): AdamMoments {
    let m = this.#moments.get(slot.name);
    if (!m) {
      m = {
        m: copyAs(this.dtype, new Float64Array(slot.data.length)),
        v: copyAs(this.dtype, new Float64Array(slot.data.length)),
      };
      this.#moments.set(slot.name, m);
    }
    return m;
  }

  #rnnParams(): RnnParams {
    const out: Record<string, Tensor> = {};
    for (const slot of this.#slots)
      if (slot !== this.#head?.weight && slot !== this.#head?.bias) out[slot.name] = tensor(slot.data, slot.shape);
    return out;
  }

  readParams(): Promise<TrainerParams> {
    try {
      this.#live();
      const rnn: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(this.#rnnParams())) rnn[name] = copyTensor(t);
      const h = this.#head;
      const head = h
        ? { weight: tensor(h.weight.data.slice(), h.weight.shape), bias: tensor(h.bias.data.slice(), h.bias.shape) }
        : null;
      return Promise.resolve({ rnn: Object.freeze(rnn), head });
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  readOptimizerState(): Promise<OptimizerState> {
    try {
      this.#live();
      const moments: Record<string, Tensor> = {};
      for (const slot of this.#slots) {
        const m = this.#moments.get(slot.name);
        if (!m) continue;
        moments[`m.${slot.name}`] = tensor(m.m.slice(), slot.shape);
        moments[`v.${slot.name}`] = tensor(m.v.slice(), slot.shape);
      }
      return Promise.resolve({ step: this.#step, moments: Object.freeze(moments) });
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  restore(snapshot: { readonly params?: TrainerParams; readonly optimizerState?: OptimizerState }): Promise<void> {
    try {
      this.#live();
      const current: TrainerParams = { rnn: this.#rnnParams(), head: this.init.params.head };
      if (snapshot.params) checkRestoredParams(this.spec, current, snapshot.params, 'reference trainer');
      if (snapshot.optimizerState)
        checkOptimizerState(this.spec, current, snapshot.optimizerState, 'reference trainer');
      const p = snapshot.params;
      if (p) {
        for (const slot of this.#slots) {
          const src =
            slot.name === HEAD_PARAM_NAMES.weight
              ? p.head!.weight
              : slot.name === HEAD_PARAM_NAMES.bias
                ? p.head!.bias
                : p.rnn[slot.name]!;
          slot.data.set(src.data);
        }
      }
      if (snapshot.optimizerState) this.#setOptimizerState(snapshot.optimizerState);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  #setOptimizerState(state: OptimizerState): void {
    this.#step = state.step;
    this.#moments = new Map();
    for (const slot of this.#slots) {
      const m = state.moments[`m.${slot.name}`];
      const v = state.moments[`v.${slot.name}`];
      if (m && v) this.#moments.set(slot.name, { m: copyAs(this.dtype, m.data), v: copyAs(this.dtype, v.data) });
    }
  }

  #live(): void {
    if (this.#isDisposed) throw new BackendDisposedError('reference trainer: used after dispose()');
  }

  dispose(): Promise<void> {
    this.#isDisposed = true;
    this.#carried = null;
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/** Creates the reference backend's trainer (see {@link RnnTrainer}). */
export function createReferenceTrainer(spec: RnnSpec, init: TrainerInit, dtype: DType): RnnTrainer {
  return new ReferenceTrainer(spec, init, dtype);
}
