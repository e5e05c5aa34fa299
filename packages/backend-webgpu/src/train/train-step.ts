import { type RnnSpec, UnsupportedError, directionCount, gateCount, outputSize, storedLayer } from '@deeprnn/core';
import { BufferUsage } from '../gpu-flags.js';
import { type MatmulArgs, matmulPlan } from './matmul-kernel.js';
import { SUM_WORKGROUPS, SumTerm, strideWorkgroups } from './reduce-kernels.js';
import { recurrenceUniform } from './recurrence-kernels.js';
import { stateSizes } from './call-layout.js';
import { recordSlots, trainCell } from './train-cells.js';
import type { TrainPipelines } from './train-pipelines.js';
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
  constructor(private readonly device: GPUDevice, slots: number) {
    this.buffer = device.createBuffer({ size: slots * 256, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
  }
  add(words: Uint32Array): GPUBindingResource {
    const offset = this.#next * 256;
    this.#next += 1;
    this.device.queue.writeBuffer(this.buffer, offset, words);
    return { buffer: this.buffer, offset, size: words.byteLength };
  }
}

/** Records the dispatches of a whole training step (see the package README, "Training"). */
export function buildStep(
  device: GPUDevice, spec: RnnSpec, layout: TrainLayout, flat: FlatBuffers, pipes: TrainPipelines, o: StepOptions,
): StepProgram {
  const { T, B } = o;
  const L = spec.numLayers;
  const D = directionCount(spec);
  const H = spec.hiddenSize;
  const P = outputSize(spec);
  const N = D * P;
  const GH = gateCount(spec.mode) * H;
  const NG = D * GH;
  const isProjected = spec.projSize > 0;
  const cell = trainCell(spec);
  const rows = T * B;
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const owned: GPUBuffer[] = [];
  const buf = (words: number, usage = 0): GPUBuffer => {
    if (words * 4 > limit) throw new UnsupportedError(`webgpu trainer: a buffer for T=${T}, B=${B} needs ${words * 4} bytes, more than the device's ${limit}-byte storage binding limit; split the sequence or the batch`);
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
  const ys = Array.from({ length: L }, () => buf(rows * (N + recordSlots(spec) * D * H)));
  const xs = Array.from({ length: L }, (_, l) => (l === 0 ? input : o.dropout ? buf(rows * N) : ys[l - 1]!));
  const masks = o.dropout ? Array.from({ length: L - 1 }, () => buf(rows * N, DST)) : [];
  const dys = Array.from({ length: L }, (_, l) => buf(rows * N, l === L - 1 ? DST : 0));
  // Input-side gate gradients, then (GRU) the hidden side's.
  const ghOffset = cell.splitsHiddenGrad ? rows * NG : 0;
  const gates = buf(rows * NG + ghOffset);
  // The h_{t-1} each step read; with projections then each step's dh and m = o act_h(c), for dW_hr;
  // with peepholes then each step's products whose column sums are the peepholes' gradients.
  // Reset-before GRU writes r h (for dW_hn) where projections keep their dh.
  const isResetBefore = spec.mode === 'gru' && !spec.linearBeforeReset;
  const peepRows = isProjected ? 2 * rows * N + rows * D * H : isResetBefore ? 2 * rows * N : rows * N;
  const hPrev = buf(peepRows + (spec.peepholes ? rows * D * 3 * H : 0));
  // W_hh in row order [D][G*H][P]; with projections then a copy of W_hr^T [D][H][P]; with
  // peepholes then a copy of them [D][3H].
  const peepCopy = D * GH * P + (isProjected ? D * H * P : 0);
  const whhRows = buf(peepCopy + (spec.peepholes ? D * 3 * H : 0));
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
  const add = (pipeline: GPUComputePipeline, uniform: Uint32Array | null, buffers: GPUBuffer[], x: number, y = 1): void => {
    const entries: GPUBindGroupEntry[] = [];
    if (uniform) entries.push({ binding: 0, resource: uniforms.add(uniform) });
    buffers.forEach((buffer, i) => entries.push({ binding: i + (uniform ? 1 : 0), resource: { buffer } }));
    dispatches.push({ pipeline, group: device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }), x, y });
  };
  const matmul = (m: MatmulArgs, a: GPUBuffer, b: GPUBuffer, c: GPUBuffer): void => {
    const plan = matmulPlan(m);
    add(plan.kernel === 'vec4' ? pipes.matmulVec4 : pipes.matmul, plan.uniform, [a, b, b === c ? a : b, c], ...plan.workgroups);
  };
  const W = flat.params;
  const G = flat.grads;

  for (let l = 0; l < L; l++) {
    const s = layout.layers[storedLayer(spec, l)]!;
    if (l > 0 && o.dropout) add(pipes.mask, Uint32Array.of(rows * N, 0, 0, 0), [ys[l - 1]!, masks[l - 1]!, xs[l]!], strideWorkgroups(rows * N));
    matmul({ M: rows, N: NG, K: s.K, a: [0, s.K, 1], b: [s.wih, NG, 1], c: [0, NG, 1], bias: spec.bias ? s.bih : null, accumulate: false }, xs[l]!, W, projected);
    add(pipes.forward, recurrenceUniform(T, B, l * D, { whh: s.whh, bhh: s.bhh, whr: s.whr, peep: s.peep, seed: 0, cell: hWords }), [projected, W, state0, lengths, ys[l]!, stateN, ...(pipes.U === 4 ? [W] : [])], Math.ceil(B / pipes.forwardRows), D);
  }
  const top = ys[L - 1]!;
  if (head && targets && logits && rowLoss) {
    const { V, F } = head;
    matmul({ M: rows, N: V, K: F, a: [0, F, 1], b: [head.w, 1, F], c: [0, V, 1], bias: head.b, accumulate: false }, top, W, logits);
    add(pipes.xent, Uint32Array.of(rows, V, 0, 0), [targets, logits, rowLoss], Math.ceil(rows / 64));
    matmul({ M: V, N: F, K: rows, a: [0, 1, V], b: [0, F, 1], c: [head.w, F, 1], bias: null, accumulate: false }, logits, top, G);
    add(pipes.colsum, Uint32Array.of(rows, V, 0, head.b, head.b, 0, 0, 0), [logits, G], Math.ceil(V / 64));
    matmul({ M: rows, N: F, K: V, a: [0, V, 1], b: [head.w, F, 1], c: [0, F, 1], bias: null, accumulate: false }, logits, W, dys[L - 1]!);
    add(pipes.partialSum, Uint32Array.of(rows, 0, SumTerm.value, 0), [rowLoss, rowLoss, flat.partial], SUM_WORKGROUPS);
  } else {
    add(pipes.partialSum, Uint32Array.of(rows * N, 0, SumTerm.product, 0), [top, dys[L - 1]!, flat.partial], SUM_WORKGROUPS);
  }
  const written = new Set<number>();
  for (let l = L - 1; l >= 0; l--) {
    const stored = storedLayer(spec, l);
    const s = layout.layers[stored]!;
    const accumulate = written.has(stored);
    written.add(stored);
    add(pipes.transpose, Uint32Array.of(P, D, s.whh, GH, 0, 0, 0, 0), [W, whhRows], strideWorkgroups(D * GH * P));
    // A rows-of-one "transpose" is a copy: W_hr^T after the rows, for the backward's m gradient.
    if (isProjected) add(pipes.transpose, Uint32Array.of(1, D, s.whr, H * P, D * GH * P, 0, 0, 0), [W, whhRows], strideWorkgroups(D * H * P));
    if (spec.peepholes) add(pipes.transpose, Uint32Array.of(1, D, s.peep, 3 * H, peepCopy, 0, 0, 0), [W, whhRows], strideWorkgroups(D * 3 * H));
    add(pipes.backward, recurrenceUniform(T, B, l * D, { whh: 0, bhh: 0, whr: 0, peep: 0, seed: stateWords, cell: hWords }), [ys[l]!, dys[l]!, whhRows, state0, lengths, gates, hPrev, dState0], Math.ceil(B / pipes.backwardRows), D);
    for (let d = 0; d < D; d++) {
      // dW_hh^T [P][G*H] = sum over steps of h_{t-1}^T gh; reset-before GRU's n block takes r h instead.
      const hiddenGates = isResetBefore ? 2 * H : GH;
      matmul({ M: P, N: hiddenGates, K: rows, a: [d * P, 1, N], b: [ghOffset + d * GH, NG, 1], c: [s.whh + d * P * GH, GH, 1], bias: null, accumulate }, hPrev, gates, G);
      if (isResetBefore) matmul({ M: H, N: H, K: rows, a: [rows * N + d * H, 1, N], b: [d * GH + 2 * H, NG, 1], c: [s.whh + d * P * GH + 2 * H, GH, 1], bias: null, accumulate }, hPrev, gates, G);
      // dW_hr^T [H][P] = sum over steps of m^T dh (both recorded by the backward after h_{t-1}).
      if (isProjected) matmul({ M: H, N: P, K: rows, a: [2 * rows * N + d * H, 1, D * H], b: [rows * N + d * P, N, 1], c: [s.whr + d * H * P, P, 1], bias: null, accumulate }, hPrev, hPrev, G);
    }
    if (spec.peepholes) add(pipes.colsum, Uint32Array.of(rows, D * 3 * H, peepRows, s.peep, s.peep, accumulate ? 1 : 0, 0, 0), [hPrev, G], Math.ceil((D * 3 * H) / 64));
    if (spec.bias) {
      // b_ih and b_hh share the input side's gradient except where the hidden side differs (GRU's n).
      const acc = accumulate ? 1 : 0;
      const hidden = cell.splitsHiddenGrad ? s.bih : s.bhh;
      add(pipes.colsum, Uint32Array.of(rows, NG, 0, s.bih, hidden, acc, 0, 0), [gates, G], Math.ceil(NG / 64));
      if (cell.splitsHiddenGrad) add(pipes.colsum, Uint32Array.of(rows, NG, ghOffset, s.bhh, s.bhh, acc, 0, 0), [gates, G], Math.ceil(NG / 64));
    }
    matmul({ M: s.K, N: NG, K: rows, a: [0, 1, s.K], b: [0, NG, 1], c: [s.wih, NG, 1], bias: null, accumulate }, xs[l]!, gates, G);
    const dx = { M: rows, N: s.K, K: NG, a: [0, NG, 1], b: [s.wih, 1, NG], c: [0, s.K, 1], bias: null, accumulate: false } as const;
    if (l > 0 && o.dropout) {
      matmul(dx, gates, W, hPrev);
      add(pipes.mask, Uint32Array.of(rows * N, 0, 0, 0), [hPrev, masks[l - 1]!, dys[l - 1]!], strideWorkgroups(rows * N));
    } else if (l > 0) {
      matmul(dx, gates, W, dys[l - 1]!);
    } else if (dInput) {
      matmul(dx, gates, W, dInput);
    }
  }
  add(pipes.partialSum, Uint32Array.of(layout.total, 1, SumTerm.square, 0), [G, G, flat.partial], SUM_WORKGROUPS);
  add(pipes.finalSum, null, [flat.partial, flat.result], 1);
  if (o.update) {
    const entries: GPUBindGroupEntry[] = [flat.optimizer, G, flat.result, W, flat.m, flat.v].map((buffer, i) => ({ binding: i, resource: { buffer } }));
    dispatches.push({ pipeline: pipes.optimizer, group: device.createBindGroup({ layout: pipes.optimizer.getBindGroupLayout(0), entries }), x: strideWorkgroups(layout.total), y: 1 });
  }
  return { ...o, input, targets, topGrad: dys[L - 1]!, masks, lengths, state0, stateN, dState0, dInput, stateWords, dispatches, owned };
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
