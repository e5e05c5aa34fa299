// Mutations for the safetensors fuzzer: each takes a valid file and a seeded generator and returns bytes.
import { SeededRandom } from '../src/index.js';

export type Mutation = (good: Uint8Array, rng: SeededRandom, other: Uint8Array) => Uint8Array;

const enc = new TextEncoder();
const dec = new TextDecoder();

export function int(rng: SeededRandom, n: number): number {
  return rng.nextUint32() % Math.max(n, 1);
}

function pick<T>(rng: SeededRandom, items: readonly T[]): T {
  return items[int(rng, items.length)] as T;
}

export function headerLength(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
}

/** Splits a file written by our writer into its header object and its data section. */
export function split(good: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const n = headerLength(good);
  return {
    header: JSON.parse(dec.decode(good.subarray(8, 8 + n))) as Record<string, unknown>,
    data: good.subarray(8 + n),
  };
}

/** Assembles a file from header text and data; `declared` overrides the length field. */
export function assemble(text: string, data: Uint8Array, declared?: bigint): Uint8Array {
  const json = enc.encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const DTYPES: readonly unknown[] = [
  'F32',
  'F64',
  'F16',
  'BF16',
  'I64',
  'U8',
  'BOOL',
  'F8_E4M3',
  '',
  'f32',
  'toString',
  '__proto__',
  'constructor',
  42,
  null,
  ['F32'],
  { F32: 1 },
];
const DIMS: readonly unknown[] = [
  0,
  1,
  3,
  2 ** 31,
  2 ** 32 + 1,
  2 ** 53,
  2 ** 53 + 2,
  1e300,
  Infinity,
  -1,
  -0,
  1.5,
  '3',
  null,
  [2],
  NaN,
];
const OFFSETS: readonly unknown[] = [0, 4, 8, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 60, 1e308, -4, 3.5, '8', null];
const NAMES: readonly string[] = [
  '__proto__',
  'constructor',
  'toString',
  '__metadata__',
  '',
  'hasOwnProperty',
  '\u0000',
  '\ud800',
  'w'.repeat(1000),
];

function craftEntry(entry: Record<string, unknown>, rng: SeededRandom): Record<string, unknown> {
  const e = { ...entry };
  switch (int(rng, 7)) {
    case 0:
      e.dtype = pick(rng, DTYPES);
      break;
    case 1:
      e.shape = Array.from({ length: int(rng, 5) }, () => pick(rng, DIMS));
      break;
    case 2:
      e.data_offsets = [pick(rng, OFFSETS), pick(rng, OFFSETS)];
      break;
    case 3: {
      const [b, f] = e.data_offsets as [number, number];
      e.data_offsets = [b + int(rng, 9) - 4, f + int(rng, 9) - 4];
      break;
    }
    case 4:
      e.data_offsets = pick(rng, [[], [0], [0, 4, 8], 'x', null, { 0: 0, 1: 4 }]);
      break;
    case 5:
      delete e[pick(rng, ['dtype', 'shape', 'data_offsets'])];
      break;
    default:
      e.shape = pick(rng, [[], 'x', null, { length: 3 }, [[1, 2]]]);
  }
  return e;
}

/** Rewrites one header entry (dtype, shape, offsets) or its name, keeping the data. */
const craftedHeader: Mutation = (good, rng) => {
  const { header, data } = split(good);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const name = pick(rng, names);
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(header)) {
    if (k !== name) out[k] = v;
    else if (rng.nextFloat() < 0.2) out[pick(rng, NAMES)] = v;
    else out[k] = craftEntry(v as Record<string, unknown>, rng);
  }
  if (rng.nextFloat() < 0.1) out.__metadata__ = pick(rng, [{ a: 1 }, [], 'x', null, { __proto__: 'x' }, { k: 'v' }]);
  return assemble(JSON.stringify(out), data);
};

/** Text-level JSON oddities the parser or the checks must handle. */
const jsonOddity: Mutation = (good, rng) => {
  const n = headerLength(good);
  const text = dec.decode(good.subarray(8, 8 + n)).trimEnd();
  const data = good.subarray(8 + n);
  const variants: (() => string)[] = [
    () => `\ufeff${text}`,
    () => ` ${text}`,
    () => `${text.slice(0, -1)},}`,
    () => text.replace('"dtype"', '/*c*/"dtype"'),
    () => text.replace(/"data_offsets":\[(\d+)/, '"data_offsets":[NaN'),
    () => text.replace(/"shape":\[/, '"shape":[1e400,'),
    () => `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)},${text.slice(1)}`,
    () =>
      text.replace(
        /^\{"([^"]+)"/,
        (_m, k: string) => `{"${k}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"${k}"`,
      ),
    () => text.replace('__metadata__', '\\u005f_metadata__'),
    () => text.replace(/"(weight|bias)_/, '"\\u005f\\u005fproto\\u005f\\u005f'),
    () => `${text}${'\u0000'}`,
    () => text.replace('"F32"', '"\\ud800"'),
    () => 'null',
    () => '"{}"',
    () => '{}',
  ];
  return assemble(pick(rng, variants)(), data);
};

const truncate: Mutation = (good, rng) => good.slice(0, int(rng, good.length));

const bitFlips: Mutation = (good, rng) => {
  const out = good.slice();
  for (let i = 0, k = 1 + int(rng, 8); i < k; i++) {
    // Half the flips land in the first 64 bytes (length field and the header's start), where they matter most.
    const at = rng.nextFloat() < 0.5 ? int(rng, Math.min(64, out.length)) : int(rng, out.length);
    out[at] = (out[at] as number) ^ (1 << int(rng, 8));
  }
  return out;
};

const byteWrites: Mutation = (good, rng) => {
  const out = good.slice();
  for (let i = 0, k = 1 + int(rng, 4); i < k; i++)
    out[int(rng, out.length)] = pick(rng, [0, 0x20, 0x22, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0xff, int(rng, 256)]);
  return out;
};

/** A prefix of one file joined to a suffix of another (or of itself). */
const splice: Mutation = (good, rng, other) => {
  const a = good.subarray(0, int(rng, good.length + 1));
  const b = other.subarray(int(rng, other.length + 1));
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

const insertOrDelete: Mutation = (good, rng) => {
  const at = int(rng, good.length);
  const k = 1 + int(rng, 8);
  if (rng.nextFloat() < 0.5)
    return Uint8Array.from([...good.subarray(0, at), ...good.subarray(Math.min(good.length, at + k))]);
  return Uint8Array.from([
    ...good.subarray(0, at),
    ...Array.from({ length: k }, () => int(rng, 256)),
    ...good.subarray(at),
  ]);
};

const lengthField: Mutation = (good, rng) => {
  const out = good.slice();
  const view = new DataView(out.buffer);
  const n = view.getBigUint64(0, true);
  const choices = [
    n + BigInt(1 + int(rng, 8)),
    n - BigInt(1 + int(rng, 8)),
    0n,
    2n ** 64n - 1n,
    2n ** 53n,
    BigInt(100_000_001),
    BigInt(int(rng, good.length)),
  ];
  const v = pick(rng, choices);
  view.setBigUint64(0, v < 0n ? 0n : v, true);
  return out;
};

/** The mutations, by name, for the report. */
export const MUTATIONS: readonly (readonly [string, Mutation])[] = [
  ['truncate', truncate],
  ['bit flips', bitFlips],
  ['byte writes', byteWrites],
  ['splice', splice],
  ['insert/delete', insertOrDelete],
  ['length field', lengthField],
  ['crafted header', craftedHeader],
  ['JSON oddity', jsonOddity],
];
