import { type RnnSpec, activationCount, gateCount, outputSize } from '@deeprnn/core';
import { TRAIN_MATH, activationPairWgsl, clipWgsl } from './train-activations.js';
import { coupledForgetFunction } from '../kernels/wgsl-math.js';
import { type WorkgroupArray, rowsThatFit } from '../kernels/workgroup-memory.js';
import { type UniformField, pad, u32s } from '../kernels/kernel-program.js';
import type { RecurrenceGeometry } from '../kernels/recurrence-geometry.js';

/** How the recurrences split work: rows per workgroup, threads, units per thread (1, or 4 as vec4). */
export interface RowPlan {
  readonly R: number;
  readonly threads: number;
  readonly U: number;
}

/**
 * The backward recurrence's workgroup arrays for R batch rows: dh twice (P = the state's width),
 * the step's hidden-side gate gradients (G*H), and with an LSTM projection the step's dh once more.
 */
export function trainBackwardWorkgroup(spec: RnnSpec, R: number): WorkgroupArray[] {
  const P = outputSize(spec);
  return [
    { name: 'dh', words: 2 * R * P },
    { name: 'gs', words: R * gateCount(spec.mode) * spec.hiddenSize },
    ...(spec.projSize > 0 ? [{ name: 'dhp', words: R * P }] : []),
  ];
}

/**
 * The recording forward's workgroup arrays for R batch rows: h twice, and `ex` (H wide) for an
 * LSTM projection's m or GRU reset-before's r h.
 */
export function trainForwardWorkgroup(spec: RnnSpec, R: number): WorkgroupArray[] {
  const hasExtra = spec.projSize > 0 || (spec.mode === 'gru' && !spec.linearBeforeReset);
  return [
    { name: 'hs', words: 2 * R * outputSize(spec) },
    ...(hasExtra ? [{ name: 'ex', words: R * spec.hiddenSize }] : []),
  ];
}

/** The workgroup arrays of one training recurrence for R rows. */
export function trainWorkgroup(spec: RnnSpec, R: number, pass: 'forward' | 'backward'): WorkgroupArray[] {
  return pass === 'forward' ? trainForwardWorkgroup(spec, R) : trainBackwardWorkgroup(spec, R);
}

/**
 * Rows per workgroup, threads and units per thread of one training recurrence for batch B. Each
 * takes as many rows (up to 4) as its own workgroup arrays fit in `limitBytes` (the device's
 * `maxComputeWorkgroupStorageSize`): every row a workgroup owns reuses the weights it reads each
 * step, so the forward (which keeps less per row) takes more. At least one row: whether one fits is
 * trainingUnsupportedReason's question.
 */
export function trainRowPlan(spec: RnnSpec, B: number, pass: 'forward' | 'backward', limitBytes: number): RowPlan {
  const H = spec.hiddenSize;
  const R = Math.max(
    1,
    rowsThatFit((r) => trainWorkgroup(spec, r, pass), limitBytes, Math.min(4, B)),
  );
  // Four units per thread (vec4 weights) when the sizes allow: each broadcast read of h then feeds
  // four multiply-adds, which matters most on CPU implementations of WebGPU (lavapipe).
  const U = H % 4 === 0 && outputSize(spec) % 4 === 0 ? 4 : 1;
  return { R, threads: Math.min(256, Math.max(32, Math.ceil(H / U / 32) * 32)), U };
}

/**
 * The uniform block of both recurrences: call sizes, the layer's first state row, and offsets: W_hh^T,
 * b_hh, W_hr^T and the peepholes in the parameters (the forward; the backward reads its row-order
 * copy), where the final state's gradient starts in the state buffer (`seed`, backward) and where
 * the cell states start (`cOff`, LSTM).
 */
export const RECURRENCE_UNIFORMS: readonly UniformField[] = [
  ...u32s('T', 'B', 'stateRow', 'whh', 'bhh', 'seed', 'cOff', 'whr', 'peep'),
  ...pad('p0', 'p1', 'p2'),
];

/** Constants, the uniform struct (generated from {@link RECURRENCE_UNIFORMS}) and the activation functions both recurrences share. */
export function recurrenceHeader(geo: RecurrenceGeometry, plan: RowPlan, struct: string): string {
  const { spec, H, P, GH, N, NP, NG } = geo;
  const names = ['act_f', 'act_g', 'act_h'];
  const acts = Array.from({ length: activationCount(spec.mode) }, (_, i) => {
    const f = spec.activations[i]!;
    return activationPairWgsl(names[i]!, f, spec.reverseActivations[i] ?? f);
  })
    .join('')
    .concat(
      spec.mode === 'lstm' && spec.inputForget
        ? `\n${coupledForgetFunction('f32', spec.activations[0]!, spec.reverseActivations[0])}`
        : '',
    );
  return `
alias VT = ${plan.U === 4 ? 'vec4<f32>' : 'f32'};
const U = ${plan.U}u;
const H = ${H}u;
const HU = ${H / plan.U}u;
const P = ${P}u;
const PU = ${P / plan.U}u;
const GH = ${GH}u;
const GHU = ${GH / plan.U}u;
const N = ${N}u;
const NP = ${NP}u;
const NG = ${NG}u;
const RS = ${geo.recordSlots}u;
const NR = ${geo.recordSlots * N}u;
// Where a layer's record slots start in y, in words per time-major row (recurrenceGeometry).
const Y_RECORDS = ${geo.train.outputs.records}u;
const R = ${plan.R}u;
const WG = ${plan.threads}u;
${struct}
fn lane(v: VT, e: u32) -> f32 { ${plan.U === 4 ? 'return v[e];' : 'return v;'} }
${TRAIN_MATH}${acts}
${clipWgsl(spec.clip)}`;
}

/**
 * WGSL of a batch row's bookkeeping at step t: `b` (its row), `ok` (it exists), `bc` (a row to read
 * safely), `len` and `a` (step t is inside its length). `r` is the row in the workgroup (a number
 * when rows are unrolled, or a WGSL variable name).
 */
export function rowFlags(r: number | string, indent = '        '): string {
  const row = typeof r === 'number' ? `${r}u` : r;
  return [
    `let b = row0 + ${row};`,
    'let ok = b < p.B;',
    'let bc = min(b, p.B - 1u);',
    'let len = lens[bc];',
    'let a = ok && t < len;',
  ]
    .map((l) => indent + l)
    .join('\n');
}

/** Record slot s of unit j at time-major row `row`, after the T*B*NP outputs of the same buffer. */
export function recAt(row: string): (slot: number) => string {
  return (slot) => `y[recBase + (${row}) * NR + dir * RS * H + ${slot}u * H + j]`;
}

/**
 * WGSL walking to the step before t in the direction's order (`first`: none, the initial state)
 * and, when `col` is given, reading h_{t-1} of state column `col` into `hprev`.
 */
export function previousStep(col: string | null): string {
  const walk = `        var first = t == 0u;
        var prev = t;
        if (dir == 0u) { if (t > 0u) { prev = t - 1u; } } else { first = t + 1u >= len; prev = min(t + 1u, p.T - 1u); }`;
  if (col === null) return walk;
  return `${walk}
        var hprev = s0[(srow * p.B + bc) * P + ${col}];
        if (!first) { hprev = y[(prev * p.B + bc) * NP + dir * P + ${col}]; }`;
}
