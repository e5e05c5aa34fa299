import { type RnnSpec, directionCount, gateCount, outputSize } from '@deeprnn/core';

/** Workgroup memory every WebGPU device offers (the default `maxComputeWorkgroupStorageSize`), in f32 words. */
export const WORKGROUP_WORDS: number = 16384 / 4;

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

/** Workgroup words one batch row needs: h twice (double-buffered), plus o⊙act(c) or r⊙h when used. */
export function wordsPerRow(spec: RnnSpec): number {
  const extra = spec.projSize > 0 || (spec.mode === 'gru' && !spec.linearBeforeReset) ? spec.hiddenSize : 0;
  return 2 * outputSize(spec) + extra;
}

/** Why the recurrent kernel cannot hold this spec's state in default workgroup memory, or null. */
export function workgroupMemoryProblem(spec: RnnSpec): string | null {
  const words = wordsPerRow(spec);
  if (words <= WORKGROUP_WORDS) return null;
  return `hiddenSize ${spec.hiddenSize}${spec.projSize > 0 ? ` with projSize ${spec.projSize}` : ''} needs ${words * 4} bytes of workgroup memory per batch row, more than the 16384 bytes every WebGPU device offers`;
}

/** Chooses rows per workgroup and threads for a spec and batch size. */
export function planRecurrent(spec: RnnSpec, B: number, shape: KernelShape = {}): RecurrentPlan {
  const H = spec.hiddenSize;
  const fit = Math.floor(WORKGROUP_WORDS / wordsPerRow(spec));
  const R = Math.max(1, Math.min(shape.rowsPerWorkgroup ?? 4, fit, B));
  const V = H % 4 === 0 && shape.vectorWidth !== 1 ? 4 : 1;
  const threads = Math.min(MAX_THREADS, shape.threads ?? Math.max(32, Math.ceil(H / V / 32) * 32));
  return {
    spec, H, Hout: outputSize(spec), G: gateCount(spec.mode), D: directionCount(spec), R, threads, V,
    layout: recurrentLayout(spec),
  };
}
