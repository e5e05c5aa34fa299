import type { SeededRandom } from '@deeprnn/core';

/** A mutation on the serialized bytes; `other` is a second seed for crossovers. */
export type ByteMutator = (bytes: Uint8Array, rng: SeededRandom, other: Uint8Array) => Uint8Array;

const int = (rng: SeededRandom, n: number): number => Math.floor(rng.nextFloat() * n);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** A length-delimited field: where its length varint starts, where its payload starts and its length. */
interface Field {
  readonly lengthAt: number;
  readonly dataAt: number;
  readonly length: number;
}

/** The length-delimited fields of a protobuf message (bytes [from, to)), or null when it does not parse. */
function fields(bytes: Uint8Array, from: number, to: number): Field[] | null {
  const out: Field[] = [];
  let i = from;
  const readVarint = (): number | null => {
    let n = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      if (i >= to) return null;
      const b = bytes[i++] as number;
      n += (b & 127) * scale;
      scale *= 128;
      if ((b & 128) === 0) return n;
    }
    return null;
  };
  while (i < to) {
    const tag = readVarint();
    if (tag === null || tag < 8) return null;
    const wire = tag % 8;
    if (wire === 0) {
      if (readVarint() === null) return null;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const lengthAt = i;
      const length = readVarint();
      if (length === null || i + length > to) return null;
      out.push({ lengthAt, dataAt: i, length });
      i += length;
    } else return null;
  }
  return i === to ? out : null;
}

/** Descends a random path of nested messages (model -> graph -> node -> attribute -> tensor ...) and returns one field. */
function nestedField(bytes: Uint8Array, rng: SeededRandom): Field | null {
  let list = fields(bytes, 0, bytes.length);
  let pick: Field | null = null;
  for (let depth = 0; depth < 6 && list !== null && list.length > 0; depth++) {
    pick = list[int(rng, list.length)] as Field;
    if (rng.nextFloat() < 0.3) break;
    list = fields(bytes, pick.dataAt, pick.dataAt + pick.length);
  }
  return pick;
}

/** Rewrites the length varint of one nested length-delimited field (huge, off by a few, zero). */
const craftLength: ByteMutator = (bytes, rng) => {
  const f = nestedField(bytes, rng);
  if (f === null) return bytes;
  const choices = [
    2 ** 31 - 1,
    2 ** 32 + 5,
    2 ** 53 - 1,
    0,
    f.length + 1 + int(rng, 8),
    Math.max(0, f.length - 1 - int(rng, 8)),
    bytes.length * 4,
  ];
  const n = choices[int(rng, choices.length)] as number;
  return concat(bytes.subarray(0, f.lengthAt), varint(n), bytes.subarray(f.dataAt));
};

const truncate: ByteMutator = (bytes, rng) => bytes.slice(0, int(rng, bytes.length));

const flipBits: ByteMutator = (bytes, rng) => {
  const out = bytes.slice();
  for (let k = 1 + int(rng, 8); k > 0; k--) {
    const at = int(rng, out.length);
    out[at] = (out[at] as number) ^ (1 << int(rng, 8));
  }
  return out;
};

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x3a];
const setBytes: ByteMutator = (bytes, rng) => {
  const out = bytes.slice();
  for (let k = 1 + int(rng, 4); k > 0; k--)
    out[int(rng, out.length)] = INTERESTING[int(rng, INTERESTING.length)] as number;
  return out;
};

const insertRandom: ByteMutator = (bytes, rng) => {
  const at = int(rng, bytes.length + 1);
  const junk = Uint8Array.from({ length: 1 + int(rng, 16) }, () => int(rng, 256));
  return concat(bytes.subarray(0, at), junk, bytes.subarray(at));
};

const deleteChunk: ByteMutator = (bytes, rng) => {
  const at = int(rng, bytes.length);
  return concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + int(rng, 64))));
};

const duplicateChunk: ByteMutator = (bytes, rng) => {
  const at = int(rng, bytes.length);
  const chunk = bytes.subarray(at, Math.min(bytes.length, at + 1 + int(rng, 256)));
  return concat(bytes.subarray(0, at), chunk, bytes.subarray(at));
};

/** Splices a chunk of another valid model into this one. */
const crossover: ByteMutator = (bytes, rng, other) => {
  const at = int(rng, bytes.length);
  const from = int(rng, other.length);
  const chunk = other.subarray(from, Math.min(other.length, from + 1 + int(rng, 512)));
  const cut = rng.nextFloat() < 0.5 ? at : Math.min(bytes.length, at + chunk.length);
  return concat(bytes.subarray(0, at), chunk, bytes.subarray(cut));
};

/** Byte-level mutation families by name. */
export const BYTE_MUTATORS: Readonly<Record<string, ByteMutator>> = {
  truncate,
  flipBits,
  setBytes,
  insertRandom,
  deleteChunk,
  duplicateChunk,
  crossover,
  craftLength,
};
