import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RnnError, defineSpec, initParams } from '@deeprnn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '../src/index.js';
import { TORCH_FIXTURES } from './helpers.js';

const seeds: Uint8Array[] = [
  exportOnnx(defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, peepholes: true }), initParams(defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, peepholes: true }))),
  exportOnnx(defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3, projSize: 1 }), initParams(defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3, projSize: 1 }))),
  exportOnnx(defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 2, numLayers: 3, tiedLayers: true, batchFirst: true }), initParams(defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 2, numLayers: 3, tiedLayers: true, batchFirst: true }))),
  ...readdirSync(TORCH_FIXTURES).filter((f) => f.endsWith('.onnx')).slice(0, 4).map((f) => new Uint8Array(readFileSync(join(TORCH_FIXTURES, f)))),
];

/** Imports and classifies: fine, or a typed deeprnn error; anything else fails the property. */
function importTyped(bytes: Uint8Array): 'ok' | 'typed' {
  const t0 = performance.now();
  try {
    importOnnx(bytes);
    return 'ok';
  } catch (e) {
    if (!(e instanceof RnnError)) throw new Error(`untyped error ${String(e)}`, { cause: e });
    return 'typed';
  } finally {
    // A hostile file must not make the importer spin: every input here is at most a few KB.
    expect(performance.now() - t0).toBeLessThan(2000);
  }
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 1 }), bit: fc.constant(0) }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 1 }), bit: fc.integer({ min: 0, max: 255 }), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);

function mutate(base: Uint8Array, m: { kind: 'flip' | 'truncate' | 'splice'; at: number[]; bit: number; bytes?: Uint8Array }): Uint8Array {
  const out = new Uint8Array(base);
  const pos = (i: number): number => i % base.length;
  if (m.kind === 'flip') {
    for (const a of m.at) out[pos(a)] = (out[pos(a)] as number) ^ (1 << m.bit);
    return out;
  }
  if (m.kind === 'truncate') return out.subarray(0, pos(m.at[0] as number));
  const p = pos(m.at[0] as number);
  const insert = m.bytes ?? new Uint8Array();
  const spliced = new Uint8Array(base.length + insert.length);
  spliced.set(base.subarray(0, p));
  spliced.set(insert, p);
  spliced.set(base.subarray(p), p + insert.length);
  return spliced;
}

describe('importer fuzz: corrupt files give typed errors, never a crash or a hang', () => {
  it('bit flips, truncations and spliced bytes of valid models', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), mutation, (base, m) => {
        importTyped(mutate(base, m));
      }),
      { numRuns: 1500 },
    );
  });

  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 512 }), (bytes) => void importTyped(bytes)), { numRuns: 500 });
  });

  it('deeply nested graph attributes', () => {
    // A Loop body inside a Loop body ... 100k deep: protobuf decoding recurses; the overflow is typed.
    let inner = new Uint8Array();
    const parts: number[] = [];
    for (let depth = 0; depth < 20000; depth++) {
      // NodeProto.attribute (field 5) -> AttributeProto.g (field 6) -> GraphProto.node (field 1) ...
      const len = inner.length;
      parts.length = 0;
      parts.push(0x0a, ...varint(len));
      const wrapped = new Uint8Array(parts.length + len);
      wrapped.set(parts);
      wrapped.set(inner, parts.length);
      inner = wrapped;
    }
    const model = new Uint8Array([0x3a, ...varint(inner.length), ...inner]);
    expect(importTyped(model)).toBe('typed');
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
