// Seeded mutation fuzzer for readSafetensors: a few thousand mutated and crafted files; every one must
// give a FormatError or a load whose tensors validate, within bounded time and memory. FUZZ_SEED and
// FUZZ_CASES override the seed and the count (the failure message prints both).
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FormatError,
  RnnError,
  SeededRandom,
  defineSpec,
  initParams,
  readSafetensors,
  sizeOf,
  tensor,
  writeSafetensors,
} from '../src/index.js';
import { fixtures } from './helpers.js';
import { MUTATIONS, assemble, headerLength, int, split } from './safetensors-mutations.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const CASES = Number(process.env.FUZZ_CASES ?? 8000);
/** Generous per-case bound: a case is a few KB; anything near this means a blow-up, not noise. */
const MAX_MS_PER_CASE = 2000;

function validFiles(): Uint8Array[] {
  const f16 = new Uint8Array(8);
  new DataView(f16.buffer).setUint16(0, 0x3c00, true);
  const fromDisk = readdirSync(`${fixtures}/safetensors`)
    .filter((f) => f.endsWith('.safetensors'))
    .map((f) => new Uint8Array(readFileSync(`${fixtures}/safetensors/${f}`)));
  return [
    ...fromDisk,
    writeSafetensors(
      initParams(defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3, projSize: 2, bidirectional: true }), {
        seed: 1,
      }),
      { format: 'pt' },
    ),
    writeSafetensors(
      initParams(defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 2, numLayers: 2 }), { seed: 2, dtype: 'float64' }),
    ),
    writeSafetensors({ e: tensor(new Float32Array(0), [0, 3]), s: tensor(Float64Array.from([1]), []) }),
    assemble(
      '{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}}',
      f16,
    ),
  ];
}

type Outcome = 'typed error' | 'loaded' | 'anything else';

/** Reads `bytes`; a load must validate (exact tiling, shapes, bounded output, prototype-free map). */
function classify(bytes: Uint8Array): { outcome: Outcome; detail?: unknown } {
  let loaded;
  try {
    loaded = readSafetensors(bytes);
  } catch (e) {
    if (e instanceof FormatError && e instanceof RnnError) return { outcome: 'typed error' };
    return { outcome: 'anything else', detail: e };
  }
  const problems: string[] = [];
  if (Object.getPrototypeOf(loaded.tensors) !== null) problems.push('tensors map has a prototype');
  let outputBytes = 0;
  for (const [name, t] of Object.entries(loaded.tensors)) {
    if (t.data.length !== sizeOf(t.shape))
      problems.push(`${name}: data ${t.data.length} vs shape ${t.shape.join('x')}`);
    outputBytes += t.data.byteLength;
  }
  // F16/BF16 widen to 4 bytes, so the output is at most twice the file: allocation is bounded by the input.
  if (outputBytes > 2 * bytes.length) problems.push(`output ${outputBytes} bytes from a ${bytes.length}-byte file`);
  const { header, data } = split(bytes);
  let covered = 0;
  for (const [k, v] of Object.entries(header))
    if (k !== '__metadata__')
      covered +=
        ((v as { data_offsets: number[] }).data_offsets[1] ?? 0) -
        ((v as { data_offsets: number[] }).data_offsets[0] ?? 0);
  if (covered !== data.length) problems.push(`tensors cover ${covered} of ${data.length} data bytes`);
  return problems.length === 0 ? { outcome: 'loaded' } : { outcome: 'anything else', detail: problems.join('; ') };
}

const table = new Map<string, Record<Outcome, number>>();
function count(family: string, outcome: Outcome): void {
  const row = table.get(family) ?? { 'typed error': 0, loaded: 0, 'anything else': 0 };
  row[outcome]++;
  table.set(family, row);
}

afterAll(() => {
  const rows = [...table].map(([family, r]) => ({
    family,
    tried: r['typed error'] + r.loaded + r['anything else'],
    ...r,
  }));
  const total = rows.reduce(
    (s, r) => ({
      ...s,
      tried: s.tried + r.tried,
      'typed error': s['typed error'] + r['typed error'],
      loaded: s.loaded + r.loaded,
      'anything else': s['anything else'] + r['anything else'],
    }),
    { family: 'total', tried: 0, 'typed error': 0, loaded: 0, 'anything else': 0 },
  );
  console.info(`safetensors fuzzer (FUZZ_SEED=${SEED} FUZZ_CASES=${CASES})`);
  console.table([...rows, total]);
});

describe('safetensors reader under mutation (seeded fuzzer)', () => {
  const seeds = validFiles();

  it('every valid seed file loads', () => {
    for (const good of seeds) expect(classify(good).outcome).toBe('loaded');
  });

  it(`${CASES} mutated files: a FormatError or a load that validates, never anything else`, () => {
    const rng = new SeededRandom(SEED);
    const bad: string[] = [];
    let slowest = 0;
    for (let i = 0; i < CASES; i++) {
      const [family, mutate] = MUTATIONS[i % MUTATIONS.length]!;
      const good = seeds[int(rng, seeds.length)]!;
      const bytes = mutate(good, rng, seeds[int(rng, seeds.length)]!);
      const started = performance.now();
      const { outcome, detail } = classify(bytes);
      slowest = Math.max(slowest, performance.now() - started);
      count(family, outcome);
      if (outcome === 'anything else' && bad.length < 5) bad.push(`case ${i} (${family}): ${String(detail)}`);
    }
    expect(bad, `FUZZ_SEED=${SEED} FUZZ_CASES=${CASES}`).toEqual([]);
    expect(slowest).toBeLessThan(MAX_MS_PER_CASE);
  });

  it('refuses every file whose header length is declared short into its padding', () => {
    let tried = 0;
    for (const good of seeds) {
      const n = headerLength(good);
      for (let short = 1; short <= 7 && good[8 + n - short] === 0x20; short++) {
        const bytes = good.slice();
        new DataView(bytes.buffer).setBigUint64(0, BigInt(n - short), true);
        const { outcome } = classify(bytes);
        count('must refuse: short header length', outcome);
        expect(outcome).toBe('typed error');
        tried++;
      }
    }
    expect(tried).toBeGreaterThanOrEqual(10);
  });

  it('refuses every file with trailing bytes or a gap between tensors', () => {
    const rng = new SeededRandom(SEED + 1);
    for (const good of seeds) {
      for (let k = 1; k <= 8; k++) {
        const trailing = Uint8Array.from([...good, ...Array.from({ length: k }, () => int(rng, 256))]);
        count('must refuse: trailing bytes', classify(trailing).outcome);
        expect(classify(trailing).outcome).toBe('typed error');
        const { header, data } = split(good);
        const entries = Object.entries(header).filter(([name]) => name !== '__metadata__') as [
          string,
          { data_offsets: [number, number] },
        ][];
        const [, target] = entries[int(rng, entries.length)]!;
        const at = target.data_offsets[0];
        // Shift every tensor from `at` on by k bytes and insert k bytes there: a gap nobody owns.
        for (const [, e] of entries)
          if (e.data_offsets[0] >= at && e.data_offsets[1] > e.data_offsets[0])
            e.data_offsets = [e.data_offsets[0] + k, e.data_offsets[1] + k];
        const shifted = Uint8Array.from([...data.subarray(0, at), ...new Uint8Array(k), ...data.subarray(at)]);
        const gap = assemble(JSON.stringify(header), shifted);
        count('must refuse: gap', classify(gap).outcome);
        expect(classify(gap).outcome).toBe('typed error');
      }
    }
  });
});
