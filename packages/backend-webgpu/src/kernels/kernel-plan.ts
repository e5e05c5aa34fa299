import { type RnnSpec, directionCount, gateCount, outputSize } from '@deeprnn/core';
import { type WorkgroupArray, rowsThatFit, workgroupProblem } from './workgroup-memory.js';
import type { WeightStorage } from './weight-storage.js';

/** Invocations per workgroup every device offers (default `maxComputeInvocationsPerWorkgroup`). */
export const MAX_THREADS: number = 256;

/** Kernel shape knobs; the defaults were chosen by measurement (README, "Kernel shapes"). */
export interface KernelShape {
  /** Batch rows one recurrent workgroup owns (each weight read is reused this many times). Default 4. */
  readonly rowsPerWorkgroup?: number;
  /** Threads of a recurrent workgroup (at most 256). Default: H / V rounded up to 32, at most 256. */
  readonly threads?: number;
  /** Units per thread as one vector: 4 (vec4, when H is a multiple of 4) or 1. Default 4 where allowed. */
  readonly vectorWidth?: 1 | 4;
}

/** {@link KernelShape} plus what the backend decides: how the inference kernels hold the weights. */
export interface PlanShape extends KernelShape {
  /** See {@link WeightStorage}. Default 'f32'. */
  readonly weightStorage?: WeightStorage;
}

/**
 * Where one direction's recurrent weights sit in a layer's weight buffer, in f32 words from the
 * direction's base: W_hh^T [Hout][G*H], then GRU's b_hn [H], LSTM peepholes [3H], W_hr^T [H][Hout].
 */
export interface RecurrentLayout {
  readonly whh: number;
  readonly bhn: number;
  readonly peep: number;
  readonly whr: number;
  /** Words per direction. */
  readonly stride: number;
}

/** Everything the recurrent kernel's source depends on. */
export interface RecurrentPlan {
  readonly spec: RnnSpec;
  readonly H: number;
  readonly Hout: number;
  readonly G: number;
  readonly D: number;
  /** Batch rows per workgroup. */
  readonly R: number;
  /** Threads per workgroup. */
  readonly threads: number;
  /** Adjacent units a thread owns as one value (vec4 when 4). */
  readonly V: 1 | 4;
  readonly layout: RecurrentLayout;
  /** How the weights are held: reads widen float16 weights to float32. */
  readonly weightStorage: WeightStorage;
  /**
   * Set for a stream's step kernel: the layer input's width K. The kernel then computes each step's
   * input gates itself from the layer input and W_ih^T (no projection dispatch, so one dispatch per
   * layer); unset, it reads them from the projection kernel's output.
   */
  readonly fusedInput?: number;
}

/** The weight-buffer layout of one direction for a spec. */
export function recurrentLayout(spec: RnnSpec): RecurrentLayout {
  const H = spec.hiddenSize;
  const Hout = outputSize(spec);
  const G = gateCount(spec.mode);
  const whh = 0;
  const bhn = whh + Hout * G * H;
  const peep = bhn + (spec.mode === 'gru' ? H : 0);
  const whr = peep + (spec.peepholes ? 3 * H : 0);
  const stride = whr + (spec.projSize > 0 ? H * Hout : 0);
  return { whh, bhn, peep, whr, stride };
}

/**
 * The workgroup arrays of the recurrent kernel for R batch rows: h twice (double-buffered, Hout
 * wide), plus `ex` (H wide) for o⊙act(c) before an LSTM projection or r⊙h of GRU reset-before.
 */
export function recurrentWorkgroup(spec: RnnSpec, R: number): WorkgroupArray[] {
  const hasExtra = spec.projSize > 0 || (spec.mode === 'gru' && !spec.linearBeforeReset);
  return [
    { name: 'hs', words: 2 * R * outputSize(spec) },
    ...(hasExtra ? [{ name: 'ex', words: R * spec.hiddenSize }] : []),
  ];
}

/** Why the recurrent kernel cannot hold one batch row of this spec in `limitBytes` of workgroup memory, or null. */
export function workgroupMemoryProblem(spec: RnnSpec, limitBytes: number): string | null {
  const what = `${spec.mode}${spec.mode === 'gru' && !spec.linearBeforeReset ? ' (linearBeforeReset false)' : ''} hiddenSize ${spec.hiddenSize}${spec.projSize > 0 ? ` with projSize ${spec.projSize}` : ''}`;
  return workgroupProblem(what, recurrentWorkgroup(spec, 1), limitBytes);
}

/**
 * Chooses rows per workgroup and threads for a spec and batch size: as many rows (up to the shape's,
 * default 4, and B) as `limitBytes` of workgroup memory hold, at least one.
 */
export function planRecurrent(spec: RnnSpec, B: number, limitBytes: number, shape: PlanShape = {}): RecurrentPlan {
  const H = spec.hiddenSize;
  const R = Math.max(
    1,
    rowsThatFit((r) => recurrentWorkgroup(spec, r), limitBytes, Math.min(shape.rowsPerWorkgroup ?? 4, B)),
  );
  const V = H % 4 === 0 && shape.vectorWidth !== 1 ? 4 : 1;
  const threads = Math.min(MAX_THREADS, shape.threads ?? Math.max(32, Math.ceil(H / V / 32) * 32));
  return {
    spec,
    H,
    Hout: outputSize(spec),
    G: gateCount(spec.mode),
    D: directionCount(spec),
    R,
    threads,
    V,
    layout: recurrentLayout(spec),
    weightStorage: shape.weightStorage ?? 'f32',
  };
}
