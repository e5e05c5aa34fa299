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
  UnsupportedError,
  checkOptimizerState,
  checkRestoredParams,
  checkTrainBatch,
  checkTrainerInit,
  directionCount,
  isCarriedState,
  outputSize,
} from '@deeprnn/core';
import { BufferUsage, MAP_MODE_READ } from '../device/gpu-flags.js';
import type { PipelineCache } from '../device/pipeline-cache.js';
import type { RunStats } from '../run-stats.js';
import { dropoutMultipliers, stateOf, stateWords, timeMajor, timeMajorTargets } from './call-layout.js';
import { withDeviceErrors } from '../device/device-errors.js';
import { readWords, storageWith } from './device-io.js';
import { trainPipelines } from './train-pipelines.js';
import { packUniforms } from '../kernels/kernel-program.js';
import { recurrenceGeometry } from '../kernels/recurrence-geometry.js';
import { OPTIMIZER_PROGRAM } from './reduce-kernels.js';
import { type FlatBuffers, type StepProgram, buildStep, encodeDispatches } from './train-step.js';
import { type TrainLayout, packFlat, packParams, splitParams, trainLayout, unpackFlat } from './train-layout.js';
import { trainingUnsupportedReason } from './trainable.js';

const WHO = 'webgpu trainer';

/** What a trainer shares with its backend. */
export interface TrainerContext {
  readonly device: GPUDevice;
  readonly pipelines: PipelineCache;
  readonly isBackendDisposed: () => boolean;
}

/** The WebGPU trainer: an {@link RnnTrainer} that also reports what its last step cost. */
export interface WebgpuTrainer extends RnnTrainer {
  /** Dispatches, submits and bytes of the last step (null before the first). */
  readonly lastStepStats: RunStats | null;
}

/** A step's host data, computed when step() is called. */
interface StepHostData {
  /** Whether the step starts from the trainer's carried state (else from `state0`). */
  readonly carry: boolean;
  readonly input: Float32Array;
  readonly lengths: Uint32Array;
  readonly targets: Uint32Array | null;
  readonly gradOutput: Float32Array | null;
  readonly state0: Float32Array | null;
  readonly masks: readonly Float32Array[];
}

/** The optimizer's uniform block for update number `step` (1-based). */
function optimizerUniform(init: TrainerInit, step: number, len: number): ArrayBuffer {
  const o = init.optimizer;
  const b1 = o.beta1 ?? 0.9;
  const b2 = o.beta2 ?? 0.999;
  return packUniforms(OPTIMIZER_PROGRAM, {
    len,
    adam: o.name === 'adam' ? 1 : 0,
    clip: init.gradClipNorm ?? 0,
    lr: o.lr,
    b1,
    b2,
    eps: o.eps ?? 1e-8,
    c1: 1 - b1 ** step,
    c2: 1 - b2 ** step,
  });
}

class WebgpuTrainerImpl implements WebgpuTrainer {
  lastStepStats: RunStats | null = null;
  readonly #layout: TrainLayout;
  readonly #flat: FlatBuffers;
  readonly #staging: GPUBuffer;
  readonly #isAdam: boolean;
  #step = 0;
  #program: StepProgram | null = null;
  /** The latest step's state, with the number of the step that produced it. */
  #carried: { readonly handle: CarriedState; readonly call: CallShape; readonly issue: number } | null = null;
  /** Steps issued so far (counted when step() is called, not when it runs). */
  #issued = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #isDisposed = false;

  constructor(
    readonly spec: RnnSpec,
    private readonly init: TrainerInit,
    private readonly ctx: TrainerContext,
  ) {
    const { device } = ctx;
    this.#layout = trainLayout(spec, init.params.head ? init.params.head.bias.shape[0]! : null);
    this.#isAdam = init.optimizer.name === 'adam';
    const words = this.#isAdam ? this.#layout.total : 1;
    this.#flat = {
      params: storageWith(device, packParams(this.#layout, init.params)),
      grads: storageWith(device, new Float32Array(this.#layout.total)),
      m: storageWith(device, new Float32Array(words)),
      v: storageWith(device, new Float32Array(words)),
      result: storageWith(device, new Float32Array(4)),
      partial: storageWith(device, new Float32Array(128)),
      optimizer: device.createBuffer({
        size: 4 * OPTIMIZER_PROGRAM.uniforms.length,
        usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
      }),
    };
    this.#staging = device.createBuffer({ size: 8, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    if (init.optimizerState) this.#writeOptimizerState(init.optimizerState);
  }

  step(batch: TrainBatch): Promise<TrainStepResult> {
    try {
      this.#live();
      // A carried state is valid only as the initial of the step right after the one that made it:
      // a step issued before then (e.g. two steps not awaited in between) has superseded it, as a
      // step of the reference trainer does the moment it is called.
      const carried = this.#carried;
      if (
        batch.initial &&
        isCarriedState(batch.initial) &&
        (carried?.handle !== batch.initial || carried.issue !== this.#issued)
      ) {
        throw new BackendDisposedError(
          `${WHO}: initial is a carried state this trainer no longer holds (pass the latest step's)`,
        );
      }
      const call = checkTrainBatch(this.spec, batch, this.#layout.head ? this.#layout.head.V : null, WHO);
      if (batch.initial && isCarriedState(batch.initial)) {
        const from = this.#carried!.call;
        if (from.B !== call.B || from.isUnbatched !== call.isUnbatched) {
          throw new ShapeError(`${WHO}: the carried state has batch ${from.B}, this batch has ${call.B}`);
        }
      }
      // Read now, not when the queued step runs: the caller may reuse its arrays once step returns.
      const host = this.#hostData(batch, call);
      const issue = ++this.#issued;
      const isDisposed = (): boolean => this.#isDisposed || this.ctx.isBackendDisposed();
      const run = this.#queue.then(() =>
        withDeviceErrors(this.ctx.device, WHO, () => this.#run(host, call, issue), isDisposed),
      );
      this.#queue = run.catch(() => undefined);
      return run;
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /**
   * The step program for (T, B), and the program it replaced (still holding the carried final
   * state, which the step copies into the new one before it is destroyed), if any.
   */
  async #program_(T: number, B: number): Promise<{ program: StepProgram; replaced: StepProgram | null }> {
    const kept = this.#program;
    if (kept && kept.T === T && kept.B === B) return { program: kept, replaced: null };
    this.#program = null;
    let program: StepProgram;
    try {
      // The pipeline cache compiles each kernel once per device; B only changes rows per workgroup.
      const geo = recurrenceGeometry(this.spec, B, { workgroupBytes: this.ctx.pipelines.workgroupBytes });
      const pipes = await trainPipelines(this.ctx.pipelines, geo);
      program = buildStep(this.ctx.device, geo, this.#layout, this.#flat, pipes, {
        T,
        B,
        dropout: this.spec.dropout > 0 && this.spec.numLayers > 1,
        inputGrad: false,
        update: true,
      });
    } catch (e) {
      // No program holds the carried state any more: a later step cannot carry it.
      if (kept) for (const b of kept.owned) b.destroy();
      this.#carried = null;
      throw e;
    }
    this.#program = program;
    return { program, replaced: kept };
  }

  /** What a step writes to the device, computed from the batch when step() is called. */
  #hostData(batch: TrainBatch, call: CallShape): StepHostData {
    const { spec } = this;
    const carry = batch.initial !== undefined && isCarriedState(batch.initial);
    const N = directionCount(spec) * outputSize(spec);
    return {
      carry,
      input: timeMajor(spec, batch.input, call),
      lengths: batch.lengths ? Uint32Array.from(batch.lengths) : new Uint32Array(call.B).fill(call.T),
      targets: batch.targets ? timeMajorTargets(spec, batch.targets, call) : null,
      gradOutput: batch.gradOutput ? timeMajor(spec, batch.gradOutput, call) : null,
      state0: carry ? null : stateWords(spec, batch.initial as RnnState | undefined, call.B),
      masks:
        spec.dropout > 0 && spec.numLayers > 1
          ? dropoutMultipliers(spec, batch.dropoutSeed ?? 0, call.T * call.B * N)
          : [],
    };
  }

  async #run(host: StepHostData, call: CallShape, issue: number): Promise<TrainStepResult> {
    this.#live();
    const { device } = this.ctx;
    const { carry } = host;
    const { program: p, replaced } = await this.#program_(call.T, call.B);
    let written = 0;
    const write = (buffer: GPUBuffer, data: ArrayBufferView & { byteLength: number }): void => {
      device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
      written += data.byteLength;
    };
    write(p.input, host.input);
    write(p.lengths, host.lengths);
    if (p.targets) write(p.targets, host.targets!);
    else write(p.topGrad, host.gradOutput!);
    if (host.state0) write(p.state0, host.state0);
    if (p.dropout) host.masks.forEach((m, i) => write(p.masks[i]!, m));
    const uniform = optimizerUniform(this.init, this.#step + 1, this.#layout.total);
    device.queue.writeBuffer(this.#flat.optimizer, 0, uniform);
    written += uniform.byteLength;
    const encoder = device.createCommandEncoder();
    // The carried state is the last step's final state; when T changed it is still in the replaced
    // program's buffer (B cannot change under a carried state, so the sizes agree).
    if (carry) encoder.copyBufferToBuffer((replaced ?? p).stateN, 0, p.state0, 0, p.stateWords * 4);
    encodeDispatches(encoder, p);
    encoder.copyBufferToBuffer(this.#flat.result, 0, this.#staging, 0, 8);
    device.queue.submit([encoder.finish()]);
    // Destroyed after the submit: WebGPU keeps a buffer alive for work already submitted.
    if (replaced) for (const b of replaced.owned) b.destroy();
    await this.#staging.mapAsync(MAP_MODE_READ);
    const [loss, gradNorm] = new Float32Array(this.#staging.getMappedRange().slice(0));
    this.#staging.unmap();
    this.#step += 1;
    this.lastStepStats = { dispatches: p.dispatches.length, submits: 1, bytesRead: 8, bytesWritten: written };
    const handle: CarriedState = { read: () => this.#readState(handle) };
    this.#carried = { handle, call, issue };
    return { loss: loss!, gradNorm: gradNorm!, state: handle };
  }

  #readState(handle: CarriedState): Promise<RnnState> {
    const run = this.#queue.then(async () => {
      const p = this.#program;
      if (this.#isDisposed || this.#carried?.handle !== handle || !p) {
        throw new BackendDisposedError(`${WHO}: this carried state was superseded by a later step`);
      }
      const [words] = await readWords(this.ctx.device, [{ buffer: p.stateN, words: p.stateWords }]);
      return stateOf(this.spec, words!, this.#carried.call);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  readParams(): Promise<TrainerParams> {
    return this.#serial(async () => {
      const [flat] = await readWords(this.ctx.device, [{ buffer: this.#flat.params, words: this.#layout.total }]);
      return splitParams(this.#layout, unpackFlat(this.#layout, flat!));
    });
  }

  readOptimizerState(): Promise<OptimizerState> {
    return this.#serial(async () => {
      const moments: Record<string, Tensor> = {};
      if (this.#isAdam && this.#step > 0) {
        const [m, v] = await readWords(this.ctx.device, [
          { buffer: this.#flat.m, words: this.#layout.total },
          { buffer: this.#flat.v, words: this.#layout.total },
        ]);
        for (const [name, t] of unpackFlat(this.#layout, m!)) moments[`m.${name}`] = t;
        for (const [name, t] of unpackFlat(this.#layout, v!)) moments[`v.${name}`] = t;
      }
      return { step: this.#step, moments: Object.freeze(moments) };
    });
  }

  restore(snapshot: { readonly params?: TrainerParams; readonly optimizerState?: OptimizerState }): Promise<void> {
    return this.#serial(() => {
      const current: TrainerParams = { rnn: this.init.params.rnn, head: this.init.params.head };
      if (snapshot.params) checkRestoredParams(this.spec, current, snapshot.params, WHO);
      if (snapshot.optimizerState) checkOptimizerState(this.spec, current, snapshot.optimizerState, WHO);
      if (snapshot.params)
        this.ctx.device.queue.writeBuffer(this.#flat.params, 0, packParams(this.#layout, snapshot.params));
      if (snapshot.optimizerState) this.#writeOptimizerState(snapshot.optimizerState);
      return Promise.resolve();
    });
  }

  #writeOptimizerState(state: OptimizerState): void {
    this.#step = state.step;
    if (!this.#isAdam) return;
    const { queue } = this.ctx.device;
    queue.writeBuffer(
      this.#flat.m,
      0,
      packFlat(this.#layout, (name) => state.moments[`m.${name}`]),
    );
    queue.writeBuffer(
      this.#flat.v,
      0,
      packFlat(this.#layout, (name) => state.moments[`v.${name}`]),
    );
  }

  #serial<R>(f: () => Promise<R>): Promise<R> {
    try {
      this.#live();
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const run = this.#queue.then(() => {
      this.#live();
      return f();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #live(): void {
    if (this.ctx.isBackendDisposed()) throw new BackendDisposedError(`${WHO}: its backend was disposed`);
    if (this.#isDisposed) throw new BackendDisposedError(`${WHO}: used after dispose()`);
  }

  async dispose(): Promise<void> {
    if (this.#isDisposed) return;
    this.#isDisposed = true;
    await this.#queue;
    this.#carried = null;
    if (this.#program) for (const b of this.#program.owned) b.destroy();
    this.#program = null;
    for (const b of Object.values(this.#flat)) b.destroy();
    this.#staging.destroy();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/**
 * Creates a trainer on the WebGPU device (see {@link RnnTrainer}): every step is one command buffer
 * (forward, head and loss, backward, global norm, update) and reads back 8 bytes.
 *
 * @throws {@link UnsupportedError} for a spec the training kernels do not cover (see trainingUnsupportedReason).
 */
export function createWebgpuTrainer(spec: RnnSpec, init: TrainerInit, ctx: TrainerContext): WebgpuTrainer {
  checkTrainerInit(spec, init, WHO);
  const reason = trainingUnsupportedReason(spec, ctx.pipelines.workgroupBytes);
  if (reason !== null) throw new UnsupportedError(`${WHO}: ${reason}`);
  return new WebgpuTrainerImpl(spec, init, ctx);
}
