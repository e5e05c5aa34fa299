import { RnnError, SeededRandom, type Tensor, defineSpec, specToConfig, validateParams } from '@deeprnn/core';
import protoPackage from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/index.js';
import { BYTE_MUTATORS } from './fuzz/byte-mutators.js';
import { PROTO_MUTATORS, mutateModel } from './fuzz/proto-mutators.js';
import { type FuzzSeed, fuzzSeeds } from './fuzz/seeds.js';

const { onnx } = protoPackage;

// Seeded: the same cases every run (FUZZ_SEED / FUZZ_CASES explore further). A failure prints the
// case number, family and seed model that reproduce it.
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const CASES = Number(process.env.FUZZ_CASES ?? 4000);

type Outcome = 'typed' | 'loaded' | 'other';

const elements = (ts: Iterable<Tensor>): number => [...ts].reduce((n, t) => n + t.data.length, 0);

/**
 * Imports and classifies: a typed deeprnn error, or a load whose spec and parameters pass core's
 * validation and hold no more numbers than the file (and the given weight inputs) carry. Anything
 * else (an untyped error, an invalid or oversized result) is `other`, with the reason.
 */
function classify(bytes: Uint8Array, seed: FuzzSeed): { outcome: Outcome; why: string } {
  let imported;
  try {
    imported = importOnnx(bytes, seed.constants === undefined ? {} : { constants: seed.constants });
  } catch (e) {
    if (e instanceof RnnError && e.message.length > 0) return { outcome: 'typed', why: e.code };
    return { outcome: 'other', why: `untyped ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
  }
  try {
    const { spec, params, inputs } = imported;
    expect(defineSpec(specToConfig(spec))).toEqual(spec);
    validateParams(spec, params);
    const bound = bytes.length + elements(Object.values(seed.constants ?? {}));
    if (elements(Object.values(params)) > bound)
      return { outcome: 'other', why: `loaded ${elements(Object.values(params))} numbers from ${bound} bytes` };
    if (!inputs.some((i) => i.role === 'input'))
      return { outcome: 'other', why: 'loaded without a sequence input binding' };
    return { outcome: 'loaded', why: '' };
  } catch (e) {
    return { outcome: 'other', why: `loaded an invalid model: ${e instanceof Error ? e.message : String(e)}` };
  }
}

interface Row {
  tried: number;
  typed: number;
  loaded: number;
  other: number;
  maxMs: number;
}

describe('ONNX reader fuzz: every mutated file is a typed error or a valid load', () => {
  it(`${CASES} seeded mutations (seed ${SEED}) of ${fuzzSeeds().length} valid models`, () => {
    const seeds = fuzzSeeds();
    for (const s of seeds) expect(classify(s.bytes, s).outcome, `seed model ${s.name}`).toBe('loaded');
    const families = [...Object.keys(BYTE_MUTATORS), ...Object.keys(PROTO_MUTATORS), 'randomBytes'];
    const rows = new Map<string, Row>(families.map((f) => [f, { tried: 0, typed: 0, loaded: 0, other: 0, maxMs: 0 }]));
    const failures: string[] = [];
    const rng = new SeededRandom(SEED);
    let peakExternal = 0;
    for (let i = 0; i < CASES; i++) {
      const seed = seeds[Math.floor(rng.nextFloat() * seeds.length)] as FuzzSeed;
      const other = seeds[Math.floor(rng.nextFloat() * seeds.length)] as FuzzSeed;
      const family = families[i % families.length] as string;
      const byte = BYTE_MUTATORS[family];
      const proto = PROTO_MUTATORS[family];
      const bytes = byte
        ? byte(seed.bytes, rng, other.bytes)
        : proto
          ? mutateModel(seed.bytes, proto, rng)
          : Uint8Array.from({ length: Math.floor(rng.nextFloat() * 512) }, () => Math.floor(rng.nextFloat() * 256));
      const t0 = performance.now();
      const { outcome, why } = classify(bytes, seed);
      const row = rows.get(family) as Row;
      row.maxMs = Math.max(row.maxMs, performance.now() - t0); // reported, never asserted
      row.tried++;
      row[outcome]++;
      if (outcome === 'other') failures.push(`case ${i} (${family} of ${seed.name}): ${why}`);
      if (i % 64 === 0) peakExternal = Math.max(peakExternal, process.memoryUsage().arrayBuffers);
    }
    const total = [...rows.values()].reduce((a, r) => ({
      tried: a.tried + r.tried,
      typed: a.typed + r.typed,
      loaded: a.loaded + r.loaded,
      other: a.other + r.other,
      maxMs: Math.max(a.maxMs, r.maxMs),
    }));
    const line = (name: string, r: Row): string =>
      `| ${name.padEnd(14)} | ${String(r.tried).padStart(5)} | ${String(r.typed).padStart(5)} | ${String(r.loaded).padStart(6)} | ${String(r.other).padStart(5)} | ${r.maxMs.toFixed(1).padStart(8)} |`;
    console.log(
      [
        `ONNX reader fuzz, seed ${SEED}, ${seeds.length} seed models, peak ArrayBuffer memory ${(peakExternal / 2 ** 20).toFixed(1)} MiB`,
        '| family         | tried | typed | loaded | other | max ms   |',
        '|----------------|-------|-------|--------|-------|----------|',
        ...[...rows].map(([name, r]) => line(name, r)),
        line('total', total),
      ].join('\n'),
    );
    expect(failures.slice(0, 10)).toEqual([]);
    expect(total.tried).toBe(CASES);
    // The fuzzer must reach the refusals (each family finds some) and the loads (not all noise).
    for (const [name, r] of rows) expect(r.typed, `family ${name} never produced a typed error`).toBeGreaterThan(0);
    expect(total.loaded).toBeGreaterThan(0);
  });

  it('declared dims far beyond the data are refused before anything is allocated', () => {
    for (const dims of [[2 ** 27], [2 ** 40, 2 ** 40], [Number.MAX_SAFE_INTEGER], [65536, 65536, 4]]) {
      const model = onnx.ModelProto.encode({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 14 }],
        graph: {
          name: 'g',
          initializer: [{ name: 'W', dims, dataType: 1, rawData: new Uint8Array(16) }],
          input: [{ name: 'x' }],
          output: [{ name: 'x' }],
        },
      }).finish();
      expect(() => importOnnx(model)).toThrow(/declare more elements than the file holds/);
    }
  });

  it('deeply nested graph attributes', () => {
    // A Loop body inside a Loop body ... 20k deep: protobuf decoding recurses; the overflow is typed.
    let inner = new Uint8Array();
    for (let depth = 0; depth < 20000; depth++) {
      // NodeProto.attribute (field 5) -> AttributeProto.g (field 6) -> GraphProto.node (field 1) ...
      const head = [0x0a, ...varint(inner.length)];
      const wrapped = new Uint8Array(head.length + inner.length);
      wrapped.set(head);
      wrapped.set(inner, head.length);
      inner = wrapped;
    }
    const model = new Uint8Array([0x3a, ...varint(inner.length), ...inner]);
    expect(classify(model, { name: 'nested', bytes: model }).outcome).toBe('typed');
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
