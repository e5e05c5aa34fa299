import {
  BackendDisposedError,
  type ForwardOptions,
  type ForwardResult,
  type RnnModel,
  type RnnSpec,
  type RnnState,
  type Tensor,
  type RnnStream,
  type StreamOptions,
  UnsupportedError,
  cellStateShape,
  checkStreamOptions,
  checkStreamSpec,
  openStream,
  checkForwardArgs,
  directionCount,
  hiddenStateShape,
  outputShape,
  outputSize,
  tensor,
} from '@deeprnn/core';
import {
  type ForwardPipelines,
  type LayerWeights,
  bindLayers,
  encodeForward,
  forwardPipelines,
  uniformData,
} from './forward-encoder.js';
import type { PlanShape } from '../kernels/kernel-plan.js';
import { type RecurrenceGeometry, recurrenceGeometry } from '../kernels/recurrence-geometry.js';
import { batchToTime, timeToBatch } from './layout.js';
import { MAP_MODE_READ } from '../device/gpu-flags.js';
import type { PipelineCache } from '../device/pipeline-cache.js';
import { type RunBuffers, createRunBuffers, destroyRunBuffers, packState, stateWords } from './run-buffers.js';
import type { RunStats } from '../run-stats.js';
import { withDeviceErrors } from '../device/device-errors.js';
import { DeviceStreamEngine, type StreamHost } from './device-stream.js';

/** What a model shares with its backend. */
export interface ModelContext {
  readonly device: GPUDevice;
  readonly pipelines: PipelineCache;
  readonly shape: PlanShape;
  readonly isBackendDisposed: () => boolean;
}

/** A forward call's host data, copied when forward is called. */
interface HostData {
  readonly x: Float32Array;
  readonly state0: Float32Array;
  readonly lengths: Uint32Array;
}

/** A model of the WebGPU backend: an {@link RnnModel} that also reports what its last call cost. */
export interface WebgpuModel extends RnnModel {
  /** Counters of the last completed forward or stream step (null before the first): dispatches, submits, bytes. */
  readonly lastRunStats: RunStats | null;
}

/** The model: weights on the device, buffers and bind groups kept for the last call shape. */
export class WebgpuRnnModel implements WebgpuModel {
  lastRunStats: RunStats | null = null;
  private weights: readonly LayerWeights[] | null;
  private buffers: RunBuffers | null = null;
  private geometry: RecurrenceGeometry | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly spec: RnnSpec,
    weights: readonly LayerWeights[],
    private readonly ctx: ModelContext,
  ) {
    this.weights = weights;
  }

  forward(input: Tensor, initial?: RnnState, options: ForwardOptions = {}): Promise<ForwardResult> {
    try {
      this.live();
      const call = checkForwardArgs(this.spec, input, initial, options);
      if (options.training && this.spec.dropout > 0) {
        throw new UnsupportedError(
          "webgpu forward: training-mode dropout is not applied by forward (train through backend.createTrainer, which applies core's seeded masks)",
        );
      }
      // Copied now, not when the queued call runs: the caller may reuse its arrays once forward returns.
      const host = this.hostData(input, initial, options, call.T, call.B, call.isUnbatched);
      return this.enqueue('webgpu forward', () => this.runChecked(host, call.T, call.B, call.isUnbatched));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /** The call's input (time-major), initial state and lengths as fresh arrays for the device. */
  private hostData(
    input: Tensor,
    initial: RnnState | undefined,
    options: ForwardOptions,
    T: number,
    B: number,
    isUnbatched: boolean,
  ): HostData {
    const spec = this.spec;
    const x =
      spec.batchFirst && !isUnbatched ? batchToTime(input.data, B, T, spec.inputSize) : Float32Array.from(input.data);
    const state0 = packState(spec, B, initial);
    const lengths = options.lengths ? Uint32Array.from(options.lengths) : new Uint32Array(B).fill(T);
    return { x, state0, lengths };
  }

  /**
   * Runs device work after every call before it (forward calls share buffers; stream steps share the
   * weights, and dispose waits for both), inside the device-error scopes.
   */
  private enqueue<T>(who: string, work: () => Promise<T>): Promise<T> {
    const isDisposed = (): boolean => this.ctx.isBackendDisposed() || this.weights === null;
    const run = this.queue.then(() => withDeviceErrors(this.ctx.device, who, work, isDisposed));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runChecked(
    { x, state0, lengths }: HostData,
    T: number,
    B: number,
    isUnbatched: boolean,
  ): Promise<ForwardResult> {
    const weights = this.live();
    const { device } = this.ctx;
    const spec = this.spec;
    const geo = this.geometryFor(B);
    const pipelines = await forwardPipelines(this.ctx.pipelines, geo);
    const b = this.buffersFor(T, B, weights, pipelines);
    const uniforms = uniformData(geo, pipelines, T, B);
    device.queue.writeBuffer(b.input, 0, x);
    device.queue.writeBuffer(b.state0, 0, state0);
    device.queue.writeBuffer(b.lengths, 0, lengths);
    device.queue.writeBuffer(b.uniforms, 0, uniforms);
    const { commands, dispatches } = encodeForward(device, geo, b, pipelines);
    device.queue.submit([commands]);
    await b.staging.mapAsync(MAP_MODE_READ);
    const all = new Float32Array(b.staging.getMappedRange().slice(0));
    b.staging.unmap();
    this.lastRunStats = {
      dispatches,
      submits: 1,
      bytesRead: all.byteLength,
      bytesWritten: x.byteLength + state0.byteLength + lengths.byteLength + uniforms.byteLength,
    };
    const F = directionCount(spec) * outputSize(spec);
    const timeMajor = all.subarray(0, b.outputWords);
    const out = spec.batchFirst && !isUnbatched ? timeToBatch(timeMajor, T, B, F) : timeMajor.slice();
    const call = { T, B, isUnbatched };
    const hWords = stateWords(spec, B).h;
    const h = tensor(all.slice(b.outputWords, b.outputWords + hWords), hiddenStateShape(spec, call));
    const state: RnnState =
      spec.mode === 'lstm' ? { h, c: tensor(all.slice(b.outputWords + hWords), cellStateShape(spec, call)) } : { h };
    return { output: tensor(out, outputShape(spec, call)), state };
  }

  /** The kernels' geometry for batch B: computed once per batch size the model is called with. */
  private geometryFor(B: number): RecurrenceGeometry {
    if (this.geometry?.batch !== B)
      this.geometry = recurrenceGeometry(
        this.spec,
        B,
        { workgroupBytes: this.ctx.pipelines.workgroupBytes },
        this.ctx.shape,
      );
    return this.geometry;
  }

  private buffersFor(T: number, B: number, weights: readonly LayerWeights[], pipelines: ForwardPipelines): RunBuffers {
    const kept = this.buffers;
    if (kept && kept.T === T && kept.B === B && kept.rowsPerWorkgroup === pipelines.rowsPerWorkgroup) return kept;
    if (kept) destroyRunBuffers(kept);
    this.buffers = null;
    const raw = createRunBuffers(this.ctx.device, this.spec, T, B);
    const b: RunBuffers = {
      ...raw,
      rowsPerWorkgroup: pipelines.rowsPerWorkgroup,
      bindGroups: bindLayers(this.ctx.device, this.spec, raw, weights, pipelines),
    };
    this.buffers = b;
    return b;
  }

  /**
   * A stream whose state stays on the GPU between steps ({@link DeviceStreamEngine}): each step reads
   * back only its output.
   */
  stream(options: StreamOptions = {}): Promise<RnnStream> {
    try {
      this.live();
      checkStreamSpec(this.spec);
      const B = checkStreamOptions(this.spec, options);
      const host: StreamHost = {
        device: this.ctx.device,
        spec: this.spec,
        geometry: (batch) => this.geometryFor(batch),
        pipelines: (geo) => forwardPipelines(this.ctx.pipelines, geo),
        weights: () => this.live(),
        run: (who, work) => this.enqueue(who, work),
        record: (stats) => {
          this.lastRunStats = stats;
        },
        compile: (program) => this.ctx.pipelines.get(program.code),
      };
      const engine = new DeviceStreamEngine(host, B, options.initial ?? null);
      const owner = { spec: this.spec, isModelDisposed: () => this.ctx.isBackendDisposed() || this.weights === null };
      return Promise.resolve(openStream(owner, B, options.maxBytes, engine));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  private live(): readonly LayerWeights[] {
    if (this.ctx.isBackendDisposed()) throw new BackendDisposedError('webgpu model: its backend was disposed');
    if (this.weights === null) throw new BackendDisposedError('webgpu model: used after dispose()');
    return this.weights;
  }

  async dispose(): Promise<void> {
    if (this.weights === null) return;
    const weights = this.weights;
    this.weights = null;
    await this.queue;
    for (const w of weights) {
      w.projection.destroy();
      w.recurrent.destroy();
    }
    if (this.buffers) destroyRunBuffers(this.buffers);
    this.buffers = null;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
