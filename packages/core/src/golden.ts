import type { RnnState } from './backend.js';
import { type RnnConfig, type RnnSpec, defineSpec } from './config.js';
import { FormatError, RnnError } from './errors.js';
import type { RnnParams } from './params.js';
import { type Tensor, sizeOf, tensor } from './tensor.js';

/** Expected results of one evaluation of a golden case. */
export interface GoldenRun {
  readonly input: Tensor;
  readonly initial: RnnState | undefined;
  readonly output: Tensor;
  readonly hN: Tensor;
  readonly cN: Tensor | null;
}

/**
 * A reference case in the format of shared/golden/README.md: a config, PyTorch-named parameters and one
 * or more evaluations (the main one plus any `runs`). Tensors are float32, holding the exact values.
 */
export interface GoldenCase {
  readonly name: string;
  readonly source: string;
  readonly spec: RnnSpec;
  readonly params: RnnParams;
  readonly runs: readonly GoldenRun[];
}

/** Float tolerance of golden comparisons: |got - want| <= atol + rtol * |want|. */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** The float32 tolerance of golden comparisons: 1e-5 + 1e-4 * |want|. */
export const GOLDEN_TOLERANCE: Tolerance = Object.freeze({ atol: 1e-5, rtol: 1e-4 });

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a `{shape, data}` JSON tensor as float32.
 *
 * @throws {@link FormatError} when it is malformed or data and shape disagree.
 */
export function parseJsonTensor(value: unknown, where: string): Tensor {
  if (!isObject(value) || !Array.isArray(value.shape) || !Array.isArray(value.data)) {
    throw new FormatError(`${where}: expected {"shape": [...], "data": [...]}`);
  }
  const shape = value.shape as unknown[];
  if (!shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new FormatError(`${where}: shape must be non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const data = value.data as unknown[];
  const n = sizeOf(shape as number[]);
  if (data.length !== n) {
    throw new FormatError(`${where}: shape ${JSON.stringify(shape)} needs ${n} values, data has ${data.length}`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = data[i];
    if (typeof x !== 'number') throw new FormatError(`${where}: data[${i}] is not a number`);
    out[i] = x;
  }
  return tensor(out, shape as number[]);
}

function optionalTensor(value: unknown, where: string): Tensor | null {
  return value === null || value === undefined ? null : parseJsonTensor(value, where);
}

function parseRun(obj: Json, where: string): GoldenRun {
  const h0 = optionalTensor(obj.h0, `${where}.h0`);
  const c0 = optionalTensor(obj.c0, `${where}.c0`);
  let initial: RnnState | undefined;
  if (h0 !== null) initial = c0 !== null ? { h: h0, c: c0 } : { h: h0 };
  else if (c0 !== null) throw new FormatError(`${where}: c0 given without h0`);
  return {
    input: parseJsonTensor(obj.input, `${where}.input`),
    initial,
    output: parseJsonTensor(obj.output, `${where}.output`),
    hN: parseJsonTensor(obj.hN, `${where}.hN`),
    cN: optionalTensor(obj.cN, `${where}.cN`),
  };
}

/**
 * Parses a golden case file's JSON.
 *
 * @param json - the parsed file.
 * @param where - the file name, used in messages.
 * @throws {@link FormatError} when the file is not a golden case; config problems keep their
 *   {@link ConfigError} as `cause`.
 */
export function parseGoldenCase(json: unknown, where: string): GoldenCase {
  if (!isObject(json) || !isObject(json.config) || !isObject(json.params)) {
    throw new FormatError(`${where}: not a golden case (needs config, params, input, output, hN)`);
  }
  let spec: RnnSpec;
  try {
    spec = defineSpec(json.config as unknown as RnnConfig);
  } catch (e) {
    if (e instanceof RnnError) throw new FormatError(`${where}: invalid config: ${e.message}`, { cause: e });
    throw e;
  }
  const params: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(json.params)) params[name] = parseJsonTensor(t, `${where}: params.${name}`);
  const runs = [parseRun(json, where)];
  if (Array.isArray(json.runs)) {
    json.runs.forEach((r: unknown, i) => {
      if (!isObject(r)) throw new FormatError(`${where}: runs[${i}] is not an object`);
      runs.push(parseRun(r, `${where}: runs[${i}]`));
    });
  }
  return {
    name: typeof json.name === 'string' ? json.name : where,
    source: typeof json.source === 'string' ? json.source : 'unknown',
    spec,
    params: Object.freeze(params),
    runs,
  };
}

/** How far one tensor is from another. */
export interface Comparison {
  readonly maxAbsError: number;
  /** Largest |got - want| / |want| over elements with want != 0. */
  readonly maxRelError: number;
  /** Largest |got - want| / (atol + rtol * |want|); at most 1 means every element is within tolerance. */
  readonly worstRatio: number;
  readonly pass: boolean;
  /** Why it failed (shape mismatch, NaN, index of the worst element), or '' when it passed. */
  readonly detail: string;
}

/**
 * Compares element-wise with a tolerance relative to magnitude: |got - want| <= atol + rtol * |want|.
 * NaN anywhere fails.
 */
export function compareTensors(got: Tensor, want: Tensor, tol: Tolerance = GOLDEN_TOLERANCE): Comparison {
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
    const detail = `shape [${got.shape.join(', ')}], expected [${want.shape.join(', ')}]`;
    return { maxAbsError: Infinity, maxRelError: Infinity, worstRatio: Infinity, pass: false, detail };
  }
  let maxAbs = 0;
  let maxRel = 0;
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < want.data.length; i++) {
    const w = want.data[i] as number;
    const g = got.data[i] as number;
    const err = Math.abs(g - w);
    if (Number.isNaN(err)) {
      return { maxAbsError: NaN, maxRelError: NaN, worstRatio: Infinity, pass: false, detail: `element ${i} is ${g}, expected ${w}` };
    }
    if (err > maxAbs) maxAbs = err;
    if (w !== 0 && err / Math.abs(w) > maxRel) maxRel = err / Math.abs(w);
    const ratio = err / (tol.atol + tol.rtol * Math.abs(w));
    if (ratio > worst) {
      worst = ratio;
      worstAt = i;
    }
  }
  const pass = worst <= 1;
  const detail = pass ? '' : `element ${worstAt} is ${got.data[worstAt]}, expected ${want.data[worstAt]}`;
  return { maxAbsError: maxAbs, maxRelError: maxRel, worstRatio: worst, pass, detail };
}
