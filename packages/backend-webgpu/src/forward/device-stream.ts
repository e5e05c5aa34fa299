import {
  type DecodeCall,
  type RnnSpec,
  type RnnState,
  type StepCall,
  type StreamEngine,
  type Tensor,
  outputSize,
  streamStateShapes,
  tensor,
} from '@deeprnn/core';
import { DECODE_HEAD_MAX_VOCAB, decodeHeadProgram } from './decode-head-kernel.js';
import {
  type ForwardPipelines,
  type LayerWeights,
  bindLayers,
  encodeForwardInto,
  uniformData,
} from './forward-encoder.js';
import {
  STEP_KERNEL_MAX_STEPS,
  type StepKernels,
  bindStepLayers,
  encodeStepInto,
  stepKernels,
} from './step-encoder.js';
import { type KernelProgram, bindEntries, packUniforms } from '../kernels/kernel-program.js';
import { BufferUsage, MAP_MODE_READ } from '../device/gpu-flags.js';
import type { RecurrenceGeometry } from '../kernels/recurrence-geometry.js';
import { type RunBuffers, createRunBuffers, destroyRunBuffers, packState, stateWords } from './run-buffers.js';
import type { RunStats } from '../run-stats.js';

/** What a stream borrows from its model: the device, the compiled kernels, the weights and the call queue. */
export interface StreamHost {
  readonly device: GPUDevice;
  readonly spec: RnnSpec;
  /** The kernels' geometry for batch B. */
  geometry(B: number): RecurrenceGeometry;
  /** The forward's compiled kernels for a geometry. */
  pipelines(geo: RecurrenceGeometry): Promise<ForwardPipelines>;
  /** The model's weights; throws once the model is disposed. */
  weights(): readonly LayerWeights[];
  /**
   * Runs `work` in the model's call queue inside its device-error scopes: stream steps and forward
   * calls run one after another, and the model's dispose waits for them.
   */
  run<T>(who: string, work: () => Promise<T>): Promise<T>;
  /** Records what a step cost as the model's `lastRunStats`. */
  record(stats: RunStats): void;
  /** A compiled pipeline for a kernel (from the backend's cache). */
  compile(program: KernelProgram): Promise<GPUComputePipeline>;
}

function storage(device: GPUDevice, words: number, usage: number): GPUBuffer {
  return device.createBuffer({ size: Math.max(4, words * 4), usage: BufferUsage.STORAGE | usage });
}

/**
 * A stream whose state never leaves the GPU: the state lives in a device buffer between steps, each
 * step copies it into the forward's initial-state buffer and its final state back on the device
 * (two buffer copies, no host round trip), and only the step's output is read back. Row resets copy
 * the start state's rows on the device too. Per call of k steps: one submit, one dispatch per layer
 * (the step kernels, input projection fused in) while k <= STEP_KERNEL_MAX_STEPS, else the
 * forward's two, and k * B * Hout * 4 bytes read.
 */
export class DeviceStreamEngine implements StreamEngine {
  readonly #host: StreamHost;
  readonly #B: number;
  readonly #words: { readonly h: number; readonly total: number };
  /** The state the next step starts from. */
  readonly #state: GPUBuffer;
  /** The state rows restart from (`reset`'s, or the stream's initial). */
  readonly #start: GPUBuffer;
  #buffers: RunBuffers | null = null;
  /** The step kernels' bind groups for #buffers. */
  #stepGroups: GPUBindGroup[] = [];
  #stepKernels: Promise<StepKernels> | null = null;

  constructor(host: StreamHost, B: number, initial: RnnState | null) {
    this.#host = host;
    this.#B = B;
    this.#words = stateWords(host.spec, B);
    const usage = BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
    this.#state = storage(host.device, this.#words.total, usage);
    this.#start = storage(host.device, this.#words.total, usage);
    this.#load(initial);
  }

  step(x: Tensor, call: StepCall): Promise<Tensor> {
    return this.#host.run('webgpu stream.step', () => this.#step(x, call));
  }

  readState(): Promise<RnnState> {
    return this.#host.run('webgpu stream.readState', async () => {
      const { device, spec } = this.#host;
      const staging = device.createBuffer({
        size: Math.max(4, this.#words.total * 4),
        usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
      });
      try {
        const encoder = device.createCommandEncoder();
        encoder.copyBufferToBuffer(this.#state, 0, staging, 0, this.#words.total * 4);
        device.queue.submit([encoder.finish()]);
        await staging.mapAsync(MAP_MODE_READ);
        const all = new Float32Array(staging.getMappedRange().slice(0));
        staging.unmap();
        const shapes = streamStateShapes(spec, this.#B);
        const h = tensor(all.slice(0, this.#words.h), shapes.h);
        return spec.mode === 'lstm' ? { h, c: tensor(all.slice(this.#words.h), shapes.c) } : { h };
      } finally {
        staging.destroy();
      }
    });
  }

  reset(initial: RnnState | null): Promise<void> {
    return this.#host.run('webgpu stream.reset', () => {
      this.#load(initial);
      return Promise.resolve();
    });
  }

  dispose(): Promise<void> {
    // Through the queue: a step still running keeps its buffers until it ends.
    return this.#host
      .run('webgpu stream.dispose', () => Promise.resolve())
      .catch(() => undefined)
      .finally(() => {
        if (this.#buffers) destroyRunBuffers(this.#buffers);
        this.#buffers = null;
        this.#state.destroy();
        this.#start.destroy();
      });
  }

  #load(initial: RnnState | null): void {
    const data = packState(this.#host.spec, this.#B, initial);
    this.#host.device.queue.writeBuffer(this.#state, 0, data);
    this.#host.device.queue.writeBuffer(this.#start, 0, data);
  }

  async #step(x: Tensor, call: StepCall): Promise<Tensor> {
    const { device, spec } = this.#host;
    const B = this.#B;
    const { k } = call;
    const geo = this.#host.geometry(B);
    const pipelines = await this.#host.pipelines(geo);
    const kernels = k <= STEP_KERNEL_MAX_STEPS ? await this.#kernels(geo) : null;
    const b = this.#buffersFor(k, pipelines);
    const input = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data);
    const lengths = call.lengths ? Uint32Array.from(call.lengths) : new Uint32Array(B).fill(k);
    const uniforms = uniformData(geo, pipelines, k, B);
    device.queue.writeBuffer(b.input, 0, input);
    device.queue.writeBuffer(b.lengths, 0, lengths);
    device.queue.writeBuffer(b.uniforms, 0, uniforms);
    const encoder = device.createCommandEncoder();
    if (call.reset) this.#encodeRowResets(encoder, call.reset);
    encoder.copyBufferToBuffer(this.#state, 0, b.state0, 0, this.#words.total * 4);
    const dispatches = kernels
      ? encodeStepInto(encoder, geo, b, kernels, this.#stepGroupsFor(b, geo, kernels), 'output')
      : encodeForwardInto(encoder, device, geo, b, pipelines, 'output');
    encoder.copyBufferToBuffer(b.stateN, 0, this.#state, 0, this.#words.total * 4);
    device.queue.submit([encoder.finish()]);
    const outBytes = b.outputWords * 4;
    await b.staging.mapAsync(MAP_MODE_READ, 0, outBytes);
    const out = new Float32Array(b.staging.getMappedRange(0, outBytes).slice(0));
    b.staging.unmap();
    this.#host.record({
      dispatches,
      submits: 1,
      bytesRead: outBytes,
      bytesWritten: input.byteLength + lengths.byteLength + uniforms.byteLength,
    });
    return tensor(out, [k, B, outputSize(spec)]);
  }

  /**
   * Greedy decoding without the host between tokens: per token one forward step, the state copied
   * back on the device and the head kernel ({@link decodeHeadProgram}), which writes the token and the
   * next step's one-hot input; all `steps` tokens in one command buffer and one submit, then one
   * readback of `steps * B` token ids. Null (the stream decodes on the host) for a vocabulary the
   * head's workgroup memory cannot hold.
   */
  decodeGreedy(call: DecodeCall): Promise<Int32Array | null> {
    const V = this.#host.spec.inputSize;
    if (V > DECODE_HEAD_MAX_VOCAB) return Promise.resolve(null);
    return this.#host.run('webgpu stream.decodeGreedy', () => this.#decode(call));
  }

  async #decode({ head, first, steps }: DecodeCall): Promise<Int32Array> {
    const { device, spec } = this.#host;
    const B = this.#B;
    const V = spec.inputSize;
    const F = outputSize(spec);
    const geo = this.#host.geometry(B);
    const pipelines = await this.#host.pipelines(geo);
    const program = decodeHeadProgram();
    const headPipeline = await this.#host.compile(program);
    const kernels = await this.#kernels(geo);
    const b = this.#buffersFor(1, pipelines);
    const stepGroups = this.#stepGroupsFor(b, geo, kernels);
    const x = new Float32Array(B * V);
    for (let r = 0; r < B; r++) x[r * V + first[r]!] = 1;
    const weights = new Float32Array(V * F + V);
    weights.set(head.weight.data);
    weights.set(head.bias.data, V * F);
    const headBuffer = storage(device, weights.length, BufferUsage.COPY_DST);
    const tokens = storage(device, steps * B, BufferUsage.COPY_SRC);
    const cursor = storage(device, B, BufferUsage.COPY_DST);
    const staging = device.createBuffer({ size: steps * B * 4, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    const uniforms = device.createBuffer({ size: 16, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
    try {
      device.queue.writeBuffer(b.input, 0, x);
      device.queue.writeBuffer(b.lengths, 0, new Uint32Array(B).fill(1));
      device.queue.writeBuffer(b.uniforms, 0, uniformData(geo, pipelines, 1, B));
      device.queue.writeBuffer(headBuffer, 0, weights);
      device.queue.writeBuffer(cursor, 0, new Uint32Array(B));
      device.queue.writeBuffer(uniforms, 0, packUniforms(program, { B, V, F }));
      const group = device.createBindGroup({
        layout: headPipeline.getBindGroupLayout(0),
        entries: bindEntries(
          program,
          { buffer: uniforms },
          { y: b.layers[(spec.numLayers - 1) % 2]!, head: headBuffer, x: b.input, tokens, cursor },
        ),
      });
      const bytes = this.#words.total * 4;
      const encoder = device.createCommandEncoder();
      let dispatches = 0;
      for (let s = 0; s < steps; s++) {
        encoder.copyBufferToBuffer(this.#state, 0, b.state0, 0, bytes);
        dispatches += encodeStepInto(encoder, geo, b, kernels, stepGroups, 'none');
        encoder.copyBufferToBuffer(b.stateN, 0, this.#state, 0, bytes);
        const pass = encoder.beginComputePass();
        pass.setPipeline(headPipeline);
        pass.setBindGroup(0, group);
        pass.dispatchWorkgroups(B);
        pass.end();
        dispatches += 1;
      }
      encoder.copyBufferToBuffer(tokens, 0, staging, 0, steps * B * 4);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(MAP_MODE_READ);
      const chosen = new Int32Array(new Uint32Array(staging.getMappedRange().slice(0)));
      staging.unmap();
      this.#host.record({
        dispatches,
        submits: 1,
        bytesRead: steps * B * 4,
        bytesWritten: x.byteLength + weights.byteLength,
      });
      return chosen;
    } finally {
      for (const buffer of [headBuffer, tokens, cursor, staging, uniforms]) buffer.destroy();
    }
  }

  /** Copies, on the device, the start state's rows into the state for every row marked in `reset`. */
  #encodeRowResets(encoder: GPUCommandEncoder, reset: Uint8Array): void {
    const { spec } = this.#host;
    const B = this.#B;
    const Hout = outputSize(spec);
    const H = spec.hiddenSize;
    for (let row = 0; row < B; row++) {
      if (!reset[row]) continue;
      for (let layer = 0; layer < spec.numLayers; layer++) {
        const h = (layer * B + row) * Hout * 4;
        encoder.copyBufferToBuffer(this.#start, h, this.#state, h, Hout * 4);
        if (spec.mode === 'lstm') {
          const c = (this.#words.h + (layer * B + row) * H) * 4;
          encoder.copyBufferToBuffer(this.#start, c, this.#state, c, H * 4);
        }
      }
    }
  }

  /** The step kernels, compiled once per stream (its batch size is fixed). */
  #kernels(geo: RecurrenceGeometry): Promise<StepKernels> {
    this.#stepKernels ??= stepKernels((program) => this.#host.compile(program), geo);
    return this.#stepKernels;
  }

  /** The step kernels' bind groups for the buffer set `b` (made once per set). */
  #stepGroupsFor(b: RunBuffers, geo: RecurrenceGeometry, kernels: StepKernels): GPUBindGroup[] {
    if (this.#stepGroups.length === 0) {
      this.#stepGroups = bindStepLayers(this.#host.device, geo, b, this.#host.weights(), kernels);
    }
    return this.#stepGroups;
  }

  /**
   * The stream's own forward buffers for k steps (kept while k repeats), bound to the model's weights
   * for the forward's kernels (the step kernels' groups follow in #stepGroupsFor).
   */
  #buffersFor(k: number, pipelines: ForwardPipelines): RunBuffers {
    const kept = this.#buffers;
    if (kept && kept.T === k && kept.rowsPerWorkgroup === pipelines.rowsPerWorkgroup) return kept;
    if (kept) destroyRunBuffers(kept);
    this.#buffers = null;
    const { device, spec } = this.#host;
    const raw = createRunBuffers(device, spec, k, this.#B);
    const b: RunBuffers = {
      ...raw,
      rowsPerWorkgroup: pipelines.rowsPerWorkgroup,
      bindGroups: bindLayers(device, spec, raw, this.#host.weights(), pipelines),
    };
    this.#stepGroups = [];
    this.#buffers = b;
    return b;
  }
}
