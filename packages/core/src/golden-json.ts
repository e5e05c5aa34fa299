import { FormatError } from './errors.js';
import { type Tensor, sizeOf, tensor } from './tensor.js';

/** A parsed JSON object (not an array, not null). */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object: not null, not an array. */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What arrived, for a message: short JSON, or the type when JSON cannot say it. */
export function describeJson(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v) ?? typeof v;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Reads a `{shape, data}` JSON tensor as float32.
 *
 * @param value - the parsed JSON value.
 * @param where - the file and field, used in messages (`case.json: expected.hN`).
 * @returns a float32 tensor holding the values.
 * @throws {@link FormatError} when it is malformed or data and shape disagree.
 */
export function parseJsonTensor(value: unknown, where: string): Tensor {
  if (!isJsonObject(value) || !Array.isArray(value.shape) || !Array.isArray(value.data)) {
    throw new FormatError(`${where}: expected {"shape": [...], "data": [...]}, got ${describeJson(value)}`);
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
    if (typeof x !== 'number') throw new FormatError(`${where}: data[${i}] must be a number, got ${describeJson(x)}`);
    out[i] = x;
  }
  return tensor(out, shape as number[]);
}

/** A tensor field that may be absent or null (null then). */
export function optionalJsonTensor(value: unknown, where: string): Tensor | null {
  return value === null || value === undefined ? null : parseJsonTensor(value, where);
}
