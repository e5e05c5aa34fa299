import {
  BackendDisposedError,
  type CallShape,
  type CarriedState,
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
  directionCount,
  hiddenStateShape,
  cellStateShape,
  isCarriedState,
  outputSize,
  sizeOf,
  tensor,
} from '@deeprnn/core';
import { exportTrainingStep, trainedParameters } from '@deeprnn/onnx';
import type { Tensor as OrtTensor } from '#ort';
import type { Ort } from '../ort-module.js';
import { dropoutMultipliers, graphKey, hasDropout, timeMajor, timeMajorTargets } from './call-data.js';
import type { GraphSessions } from './graph-sessions.js';

const WHO = 'onnxruntime trainer';

/** What a trainer shares with its backend. */
export interface TrainerContext {
  readonly ort: Ort;
  readonly sessions: GraphSessions;
  readonly isBackendDisposed: () => boolean;
}

/** The carried state: the last step's `hN`/`cN` ORT tensors, fed as is to the next step. */
interface Carried {
  readonly handle: CarriedState;
  readonly call: CallShape;
  readonly h: OrtTensor;
  readonly c: OrtTensor | null;
}

/**
 * An {@link RnnTrainer} on ONNX Runtime. Each step is one `session.run` of the exported training
 * graph; its outputs (parameters, moments, final state) become the next step's inputs as the ORT
 * tensors the run returned, so nothing is converted on the host between steps. The host reads the
 * loss and the norm (two floats).
 */
class OrtTrainer implements RnnTrainer {
  /** Trained parameters and Adam moments by graph input name (`head.weight`, `m.<name>`, ...). */
  private readonly state = new Map<string, OrtTensor>();
  private readonly trained: [string, number[]][];
  private readonly classes: number | null;
  private readonly isAdam: boolean;
  private step_ = 0;
  private carried: Carried | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private isDisposed = false;

  constructor(
    readonly spec: RnnSpec,
    private readonly init: TrainerInit,
    private readonly ctx: TrainerContext,
  ) {
    this.classes = init.params.head ? init.params.head.bias.shape[0]! : null;
    this.trained = trainedParameters(spec, this.classes);
    this.isAdam = init.optimizer.name === 'adam';
    this.setParams(init.params);
    this.setOptimizerState(init.optimizerState ?? { step: 0, moments: {} });
  }

  private float(data: ArrayLike<number>, dims: readonly number[]): OrtTensor {
    // Always a copy: the trainer owns its state, the caller keeps its arrays.
    return new this.ctx.ort.Tensor('float32', Float32Array.from(data), [...dims]);
  }

  private setParams(p: TrainerParams): void {
    const source = (name: string): Tensor =>
      name === 'head.weight' ? p.head!.weight : name === 'head.bias' ? p.head!.bias : p.rnn[name]!;
    for (const [name, dims] of this.trained) this.state.set(name, this.float(source(name).data, dims));
  }

  private setOptimizerState(s: OptimizerState): void {
    this.step_ = s.step;
    if (!this.isAdam) return;
    for (const [name, dims] of this.trained) {
      for (const k of ['m', 'v'] as const) {
        const t = s.moments[`${k}.${name}`];
        this.state.set(`${k}.${name}`, this.float(t ? t.data : new Float32Array(sizeOf(dims)), dims));
      }
    }
  }

  step(batch: TrainBatch): Promise<TrainStepResult> {
    try {
      this.live();
      const carried = this.carried;
      // A carried state is valid until the next step is issued (as on the other backends).
      if (batch.initial && isCarriedState(batch.initial) && carried?.handle !== batch.initial) {
        throw new BackendDisposedError(
          `${WHO}: initial is a carried state this trainer no longer holds (pass the latest step's)`,
        );
      }
      const call = checkTrainBatch(this.spec, batch, this.classes, WHO);
      if (
        carried &&
        batch.initial === carried.handle &&
        (carried.call.B !== call.B || carried.call.isUnbatched !== call.isUnbatched)
      ) {
        throw new ShapeError(`${WHO}: the carried state has batch ${carried.call.B}, this batch has ${call.B}`);
      }
      // Read now: the caller may reuse its arrays once step() returns.
      const feeds = this.feeds(batch, call, batch.initial === carried?.handle ? carried : null);
      this.carried = null;
      const run = this.queue.then(() => this.run(feeds, call, batch.lengths !== undefined));
      this.queue = run.catch(() => undefined);
      return run;
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  private feeds(batch: TrainBatch, call: CallShape, carried: Carried | null): Record<string, OrtTensor> {
    const { spec } = this;
    const { ort } = this.ctx;
    const { T, B } = call;
    const F = directionCount(spec) * outputSize(spec);
    const rows = spec.numLayers * directionCount(spec);
    const hShape = [rows, B, outputSize(spec)];
    const cShape = [rows, B, spec.hiddenSize];
    const host = batch.initial && !isCarriedState(batch.initial) ? batch.initial : undefined;
    const f = (data: Float32Array, dims: number[]): OrtTensor => new ort.Tensor('float32', data, dims);
    const feeds: Record<string, OrtTensor> = {
      input: f(Float32Array.from(timeMajor(spec, batch.input, call)), [T, B, spec.inputSize]),
      h0: carried?.h ?? f(host ? Float32Array.from(host.h.data) : new Float32Array(sizeOf(hShape)), hShape),
    };
    if (spec.mode === 'lstm')
      feeds['c0'] =
        carried?.c ?? f(host?.c ? Float32Array.from(host.c.data) : new Float32Array(sizeOf(cShape)), cShape);
    if (this.classes !== null)
      feeds['targets'] = new ort.Tensor('int32', Int32Array.from(timeMajorTargets(spec, batch.targets!, call)), [
        T * B,
      ]);
    else feeds['grad_output'] = f(Float32Array.from(timeMajor(spec, batch.gradOutput!, call)), [T, B, F]);
    if (batch.lengths !== undefined)
      feeds['sequence_lens'] = new ort.Tensor('int32', Int32Array.from(batch.lengths), [B]);
    if (hasDropout(spec, true)) {
      dropoutMultipliers(spec, batch.dropoutSeed ?? 0, call).forEach((m, k) => {
        feeds[`dropout_mask_l${k}`] = f(m, [T, B, F]);
      });
    }
    return feeds;
  }

  private async run(feeds: Record<string, OrtTensor>, call: CallShape, hasLengths: boolean): Promise<TrainStepResult> {
    this.live();
    const { spec, init } = this;
    const dropout = hasDropout(spec, true);
    const session = await this.ctx.sessions.get(`step:${graphKey(call, hasLengths, dropout)}`, () =>
      exportTrainingStep(spec, {
        T: call.T,
        B: call.B,
        lengths: hasLengths,
        dropout,
        classes: this.classes,
        optimizer: init.optimizer,
        gradClipNorm: init.gradClipNorm,
      }),
    );
    for (const [name, t] of this.state) feeds[name] = t;
    feeds['step'] = new this.ctx.ort.Tensor('int64', BigInt64Array.of(BigInt(this.step_)), []);
    const out = await session.run(feeds);
    this.live();
    for (const name of this.state.keys()) this.state.set(name, out[`new.${name}`]!);
    this.step_ += 1;
    const h = out['hN']!;
    const c = spec.mode === 'lstm' ? out['cN']! : null;
    const handle: CarriedState = { read: () => this.readState(handle) };
    this.carried = { handle, call, h, c };
    return { loss: scalar(out['loss']!), gradNorm: scalar(out['grad_norm']!), state: handle };
  }

  private readState(handle: CarriedState): Promise<RnnState> {
    const c = this.carried;
    if (this.isDisposed || c?.handle !== handle) {
      return Promise.reject(new BackendDisposedError(`${WHO}: this carried state was superseded by a later step`));
    }
    const h = tensor(Float32Array.from(c.h.data as Float32Array), hiddenStateShape(this.spec, c.call));
    return Promise.resolve(
      c.c === null
        ? { h }
        : { h, c: tensor(Float32Array.from(c.c.data as Float32Array), cellStateShape(this.spec, c.call)) },
    );
  }

  readParams(): Promise<TrainerParams> {
    return this.serial(() => {
      const read = (name: string): Tensor => {
        const t = this.state.get(name)!;
        return tensor(Float32Array.from(t.data as Float32Array), [...t.dims]);
      };
      const rnn = Object.fromEntries(this.trained.filter(([n]) => !n.startsWith('head.')).map(([n]) => [n, read(n)]));
      return { rnn, head: this.classes === null ? null : { weight: read('head.weight'), bias: read('head.bias') } };
    });
  }

  readOptimizerState(): Promise<OptimizerState> {
    return this.serial(() => {
      const moments: Record<string, Tensor> = {};
      if (this.isAdam && this.step_ > 0) {
        for (const [name, dims] of this.trained) {
          for (const k of ['m', 'v'] as const)
            moments[`${k}.${name}`] = tensor(
              Float32Array.from(this.state.get(`${k}.${name}`)!.data as Float32Array),
              dims,
            );
        }
      }
      return { step: this.step_, moments: Object.freeze(moments) };
    });
  }

  restore(snapshot: { readonly params?: TrainerParams; readonly optimizerState?: OptimizerState }): Promise<void> {
    return this.serial(() => {
      const current: TrainerParams = this.init.params;
      if (snapshot.params) checkRestoredParams(this.spec, current, snapshot.params, WHO);
      if (snapshot.optimizerState) checkOptimizerState(this.spec, current, snapshot.optimizerState, WHO);
      if (snapshot.params) this.setParams(snapshot.params);
      if (snapshot.optimizerState) this.setOptimizerState(snapshot.optimizerState);
    });
  }

  private serial<R>(f: () => R): Promise<R> {
    try {
      this.live();
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const run = this.queue.then(() => {
      this.live();
      return f();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private live(): void {
    if (this.ctx.isBackendDisposed()) throw new BackendDisposedError(`${WHO}: its backend was disposed`);
    if (this.isDisposed) throw new BackendDisposedError(`${WHO}: used after dispose()`);
  }

  async dispose(): Promise<void> {
    if (this.isDisposed) return;
    this.isDisposed = true;
    await this.queue;
    this.carried = null;
    this.state.clear();
    await this.ctx.sessions.release();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

function scalar(t: OrtTensor): number {
  return Number((t.data as Float32Array)[0]);
}

/**
 * Creates a trainer of `spec` on ONNX Runtime (see {@link RnnTrainer}).
 *
 * @throws {@link ParameterError} / {@link UnsupportedError} from core's `checkTrainerInit`.
 */
export function createOrtTrainer(spec: RnnSpec, init: TrainerInit, ctx: TrainerContext): RnnTrainer {
  checkTrainerInit(spec, init, WHO);
  return new OrtTrainer(spec, init, ctx);
}
