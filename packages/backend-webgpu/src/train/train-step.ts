import { UnsupportedError, storedLayer } from '@deeprnn/core';
import { BufferUsage } from '../device/gpu-flags.js';
import { bindEntries, packUniforms } from '../kernels/kernel-program.js';
import type { RecurrenceGeometry } from '../kernels/recurrence-geometry.js';
import { type MatmulArgs, matmulPlan } from './matmul-kernel.js';
import { SUM_WORKGROUPS, SumTerm, strideWorkgroups } from './reduce-kernels.js';
import { stateSizes } from './call-layout.js';
import type { CompiledKernel, TrainPipelines } from './train-pipelines.js';
import type { TrainLayout } from './train-layout.js';

/** Buffers a trainer (or a gradients call) keeps whatever the call shape. */
export interface FlatBuffers {
  readonly params: GPUBuffer;
  readonly grads: GPUBuffer;
  /** Adam's moments (4-byte placeholders for SGD). */
  readonly m: GPUBuffer;
  readonly v: GPUBuffer;
  /** [loss, global norm] after a step. */
  readonly result: GPUBuffer;
  readonly partial: GPUBuffer;
  /** The optimizer's uniform block, written before each step. */
  readonly optimizer: GPUBuffer;
}

/** What a step program is built for. */
export interface StepOptions {
  readonly T: number;
  readonly B: number;
  readonly dropout: boolean;
  /** Compute dInput (the gradients primitive); a trainer does not need it. */
  readonly inputGrad: boolean;
  /** Record the optimizer update (a trainer) or stop at the gradients (the primitive). */
  readonly update: boolean;
}

interface Dispatch {
  readonly pipeline: GPUComputePipeline;
  readonly group: GPUBindGroup;
  readonly x: number;
  readonly y: number;
}

/** The buffers and recorded dispatches of one (T, B) call shape, reused while the shape repeats. */
export interface StepProgram extends StepOptions {
  /** Layer-0 input, time-major [T*B, I]. */
  readonly input: GPUBuffer;
  /** Targets, one class per time-major row (u32). */
  readonly targets: GPUBuffer | null;
  /** Gradient of the top layer's output (uploaded without a head). */
  readonly topGrad: GPUBuffer;
  /** Keep masks (keep / (1 - p)) between layers, [L-1][T*B*N]. */
  readonly masks: readonly GPUBuffer[];
  readonly lengths: GPUBuffer;
  /** Initial states (h, then c for LSTM), then (from word stateWords) the final state's gradient that seeds the backward. */
  readonly state0: GPUBuffer;
  readonly stateN: GPUBuffer;
  /** The initial state's gradient. */
  readonly dState0: GPUBuffer;
  readonly dInput: GPUBuffer | null;
  /** Words of the state: h (L*D*B*P), then for LSTM c (L*D*B*H). */
  readonly stateWords: number;
  readonly dispatches: readonly Dispatch[];
  readonly owned: readonly GPUBuffer[];
}

/** A uniform buffer of 256-byte slots (WebGPU's offset alignment), filled as dispatches are recorded. */
class UniformSlots {
  readonly buffer: GPUBuffer;
  #next = 0;
  constructor(
    private readonly device: GPUDevice,
    slots: number,
  ) {
    this.buffer = device.createBuffer({ size: slots * 256, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
  }
  add(data: ArrayBuffer): GPUBufferBinding {
    const offset = this.#next * 256;
    this.#next += 1;
    this.device.queue.writeBuffer(this.buffer, offset, data);
    return { buffer: this.buffer, offset, size: data.byteLength };
  }
}

/**
 * Records the dispatches of a whole training step (see the package README, "Training"). Every
 * size and region comes from `geo` (recurrenceGeometry), the one the kernels were generated from.
 */
export function buildStep(
  device: GPUDevice,
  geo: RecurrenceGeometry,
  layout: TrainLayout,
  flat: FlatBuffers,
  pipes: TrainPipelines,
  o: StepOptions,
): StepProgram {
  const { spec, H, P, D, GH, NG, isProjected, isResetBefore } = geo;
  // A layer's output width (NP, the kernels' name; N in the rows below).
  const N = geo.NP;
  const { outputs, sideOutputs, gateGrads } = geo.train;
  const { T, B } = o;
  const L = spec.numLayers;
  const rows = T * B;
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const owned: GPUBuffer[] = [];
  const buf = (words: number, usage = 0): GPUBuffer => {
    if (words * 4 > limit)
      throw new UnsupportedError(
        `webgpu trainer: a buffer for T=${T}, B=${B} needs ${words * 4} bytes, more than the device's ${limit}-byte storage binding limit; split the sequence or the batch`,
      );
    const b = device.createBuffer({ size: Math.max(4, words * 4), usage: BufferUsage.STORAGE | usage });
    owned.push(b);
    return b;
  };
  const DST = BufferUsage.COPY_DST;
  const SRC = BufferUsage.COPY_SRC;
  const sizes = stateSizes(spec, B);
  const hWords = sizes.h;
  const stateWords = sizes.h + sizes.c;
  const input = buf(rows * spec.inputSize, DST);
  const projected = buf(rows * NG);
  // Each layer's outputs, then the record slots its backward reads (GRU and LSTM gates, clip masks).
  const ys = Array.from({ length: L }, () => buf(rows * outputs.total));
  const xs = Array.from({ length: L }, (_, l) => (l === 0 ? input : o.dropout ? buf(rows * N) : ys[l - 1]!));
  const masks = o.dropout ? Array.from({ length: L - 1 }, () => buf(rows * N, DST)) : [];
  const dys = Array.from({ length: L }, (_, l) => buf(rows * N, l === L - 1 ? DST : 0));
  // Input-side gate gradients, then (GRU after-reset) the hidden side's.
  const gates = buf(rows * gateGrads.total);
  const ghOffset = rows * gateGrads.hidden;
  // The h_{t-1} each step read, then what the extra weight gradients need (geometry's sideOutputs).
  const hPrev = buf(rows * sideOutputs.total);
  // W_hh in row order [D][G*H][P], then W_hr^T and the peepholes' copies (geometry's backwardWeights).
  const whhRows = buf(geo.backwardWeights.total);
  const head = layout.head;
  const targets = head ? buf(rows, DST) : null;
  const logits = head ? buf(rows * head.V) : null;
  const rowLoss = head ? buf(rows) : null;
  const lengths = buf(B, DST);
  const state0 = buf(2 * stateWords, DST);
  const stateN = buf(stateWords, SRC);
  const dState0 = buf(stateWords, SRC);
  const dInput = o.inputGrad ? buf(rows * spec.inputSize, SRC) : null;
  const uniforms = new UniformSlots(device, 20 * L + 16);
  owned.push(uniforms.buffer);

  const dispatches: Dispatch[] = [];
  /** One dispatch of `kernel`, its uniforms and buffers given by name. */
  const run = (
    kernel: CompiledKernel,
    values: Record<string, number> | null,
    buffers: Record<string, GPUBuffer>,
    x: number,
    y = 1,
  ): void => {
    const uniform = values ? uniforms.add(packUniforms(kernel.program, values)) : null;
    const entries = bindEntries(kernel.program, uniform, buffers);
    dispatches.push({
      pipeline: kernel.pipeline,
      group: device.createBindGroup({ layout: kernel.pipeline.getBindGroupLayout(0), entries }),
      x,
      y,
    });
  };
  const matmul = (m: MatmulArgs, a: GPUBuffer, b: GPUBuffer, c: GPUBuffer): void => {
    const plan = matmulPlan(m);
    const pipeline = plan.kernel === 'vec4' ? pipes.matmulVec4 : pipes.matmul;
    // Both product kernels bind (uniform, A, B, bias, C); without a bias B stands in for it (C may not).
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: uniforms.add(plan.uniform.buffer as ArrayBuffer) },
      ...[a, b, b === c ? a : b, c].map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
    ];
    dispatches.push({
      pipeline,
      group: device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }),
      x: plan.workgroups[0],
      y: plan.workgroups[1],
    });
  };
  const W = flat.params;
  const G = flat.grads;
  const isVec4 = geo.trainForward.U === 4;

  for (let l = 0; l < L; l++) {
    const s = layout.layers[storedLayer(spec, l)]!;
    if (l > 0 && o.dropout)
      run(pipes.mask, { len: rows * N }, { y: ys[l - 1]!, mask: masks[l - 1]!, x: xs[l]! }, strideWorkgroups(rows * N));
    matmul(
      {
        M: rows,
        N: NG,
        K: s.K,
        a: [0, s.K, 1],
        b: [s.wih, NG, 1],
        c: [0, NG, 1],
        bias: spec.bias ? s.bih : null,
        accumulate: false,
      },
      xs[l]!,
      W,
      projected,
    );
    run(
      pipes.forward,
      { T, B, stateRow: l * D, whh: s.whh, bhh: s.bhh, seed: 0, cOff: hWords, whr: s.whr, peep: s.peep },
      { xp: projected, w: W, s0: state0, lens: lengths, y: ys[l]!, sN: stateN, ...(isVec4 ? { wv: W } : {}) },
      Math.ceil(B / geo.trainForward.R),
      D,
    );
  }
  const top = ys[L - 1]!;
  if (head && targets && logits && rowLoss) {
    const { V, F } = head;
    matmul(
      { M: rows, N: V, K: F, a: [0, F, 1], b: [head.w, 1, F], c: [0, V, 1], bias: head.b, accumulate: false },
      top,
      W,
      logits,
    );
    run(pipes.xent, { rows, V }, { targets, logits, loss: rowLoss }, Math.ceil(rows / 64));
    matmul(
      { M: V, N: F, K: rows, a: [0, 1, V], b: [0, F, 1], c: [head.w, F, 1], bias: null, accumulate: false },
      logits,
      top,
      G,
    );
    run(
      pipes.colsum,
      { M: rows, N: V, xOff: 0, o1: head.b, o2: head.b, accumulate: 0 },
      { x: logits, out: G },
      Math.ceil(V / 64),
    );
    matmul(
      { M: rows, N: F, K: V, a: [0, V, 1], b: [head.w, F, 1], c: [0, F, 1], bias: null, accumulate: false },
      logits,
      W,
      dys[L - 1]!,
    );
    run(
      pipes.partialSum,
      { len: rows, slot: 0, term: SumTerm.value },
      { a: rowLoss, b: rowLoss, partial: flat.partial },
      SUM_WORKGROUPS,
    );
  } else {
    run(
      pipes.partialSum,
      { len: rows * N, slot: 0, term: SumTerm.product },
      { a: top, b: dys[L - 1]!, partial: flat.partial },
      SUM_WORKGROUPS,
    );
  }
  const bw = geo.backwardWeights;
  const written = new Set<number>();
  for (let l = L - 1; l >= 0; l--) {
    const stored = storedLayer(spec, l);
    const s = layout.layers[stored]!;
    const accumulate = written.has(stored);
    const acc = accumulate ? 1 : 0;
    written.add(stored);
    const copy = { w: W, out: whhRows };
    run(pipes.transpose, { H: P, D, off: s.whh, C: GH, outOff: 0 }, copy, strideWorkgroups(D * GH * P));
    // A rows-of-one "transpose" is a copy: W_hr^T after the rows, for the backward's m gradient.
    if (isProjected)
      run(pipes.transpose, { H: 1, D, off: s.whr, C: H * P, outOff: bw.whr }, copy, strideWorkgroups(D * H * P));
    if (spec.peepholes)
      run(pipes.transpose, { H: 1, D, off: s.peep, C: 3 * H, outOff: bw.peep }, copy, strideWorkgroups(D * 3 * H));
    run(
      pipes.backward,
      { T, B, stateRow: l * D, whh: 0, bhh: 0, seed: stateWords, cOff: hWords, whr: 0, peep: 0 },
      { y: ys[l]!, dy: dys[l]!, wr: whhRows, s0: state0, lens: lengths, g: gates, hp: hPrev, ds0: dState0 },
      Math.ceil(B / geo.trainBackward.R),
      D,
    );
    for (let d = 0; d < D; d++) {
      // dW_hh^T [P][G*H] = sum over steps of h_{t-1}^T gh; reset-before GRU's n block takes r h instead.
      const hiddenGates = isResetBefore ? 2 * H : GH;
      matmul(
        {
          M: P,
          N: hiddenGates,
          K: rows,
          a: [d * P, 1, N],
          b: [ghOffset + d * GH, NG, 1],
          c: [s.whh + d * P * GH, GH, 1],
          bias: null,
          accumulate,
        },
        hPrev,
        gates,
        G,
      );
      if (isResetBefore)
        matmul(
          {
            M: H,
            N: H,
            K: rows,
            a: [rows * sideOutputs.rh + d * H, 1, geo.N],
            b: [d * GH + 2 * H, NG, 1],
            c: [s.whh + d * P * GH + 2 * H, GH, 1],
            bias: null,
            accumulate,
          },
          hPrev,
          gates,
          G,
        );
      // dW_hr^T [H][P] = sum over steps of m^T dh (both recorded by the backward after h_{t-1}).
      if (isProjected)
        matmul(
          {
            M: H,
            N: P,
            K: rows,
            a: [rows * sideOutputs.m + d * H, 1, geo.N],
            b: [rows * sideOutputs.dh + d * P, N, 1],
            c: [s.whr + d * H * P, P, 1],
            bias: null,
            accumulate,
          },
          hPrev,
          hPrev,
          G,
        );
    }
    if (spec.peepholes)
      run(
        pipes.colsum,
        { M: rows, N: D * 3 * H, xOff: rows * sideOutputs.peep, o1: s.peep, o2: s.peep, accumulate: acc },
        { x: hPrev, out: G },
        Math.ceil((D * 3 * H) / 64),
      );
    if (spec.bias) {
      // b_ih and b_hh share the input side's gradient except where the hidden side differs (GRU's n).
      const hidden = geo.splitsHiddenGrad ? s.bih : s.bhh;
      run(
        pipes.colsum,
        { M: rows, N: NG, xOff: 0, o1: s.bih, o2: hidden, accumulate: acc },
        { x: gates, out: G },
        Math.ceil(NG / 64),
      );
      if (geo.splitsHiddenGrad)
        run(
          pipes.colsum,
          { M: rows, N: NG, xOff: ghOffset, o1: s.bhh, o2: s.bhh, accumulate: acc },
          { x: gates, out: G },
          Math.ceil(NG / 64),
        );
    }
    matmul(
      { M: s.K, N: NG, K: rows, a: [0, 1, s.K], b: [0, NG, 1], c: [s.wih, NG, 1], bias: null, accumulate },
      xs[l]!,
      gates,
      G,
    );
    const dx = {
      M: rows,
      N: s.K,
      K: NG,
      a: [0, NG, 1],
      b: [s.wih, 1, NG],
      c: [0, s.K, 1],
      bias: null,
      accumulate: false,
    } as const;
    if (l > 0 && o.dropout) {
      matmul(dx, gates, W, hPrev);
      run(pipes.mask, { len: rows * N }, { y: hPrev, mask: masks[l - 1]!, x: dys[l - 1]! }, strideWorkgroups(rows * N));
    } else if (l > 0) {
      matmul(dx, gates, W, dys[l - 1]!);
    } else if (dInput) {
      matmul(dx, gates, W, dInput);
    }
  }
  run(
    pipes.partialSum,
    { len: layout.total, slot: 1, term: SumTerm.square },
    { a: G, b: G, partial: flat.partial },
    SUM_WORKGROUPS,
  );
  run(pipes.finalSum, null, { partial: flat.partial, result: flat.result }, 1);
  if (o.update) {
    const entries = bindEntries(
      pipes.optimizer.program,
      { buffer: flat.optimizer },
      { grad: G, result: flat.result, w: W, m: flat.m, v: flat.v },
    );
    dispatches.push({
      pipeline: pipes.optimizer.pipeline,
      group: device.createBindGroup({ layout: pipes.optimizer.pipeline.getBindGroupLayout(0), entries }),
      x: strideWorkgroups(layout.total),
      y: 1,
    });
  }
  return {
    ...o,
    input,
    targets,
    topGrad: dys[L - 1]!,
    masks,
    lengths,
    state0,
    stateN,
    dState0,
    dInput,
    stateWords,
    dispatches,
    owned,
  };
}

/** Records a program's dispatches into one compute pass. */
export function encodeDispatches(encoder: GPUCommandEncoder, program: StepProgram): void {
  const pass = encoder.beginComputePass();
  for (const d of program.dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.group);
    pass.dispatchWorkgroups(d.x, d.y);
  }
  pass.end();
}
