import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type GoldenCase, checkGoldenCase, parseGoldenCase } from '@deeprnn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { failOnCiWithoutAdapter, probeBackend, skipNote } from './adapter.js';

const here = import.meta.dirname;
const SHARED_GOLDEN = resolve(here, '../../../../shared/golden');
const PROJECT_FIXTURES = resolve(here, '../../../fixtures');
// Expected values hard-coded in ONNX Runtime's, tfjs-layers' and Keras's own tests (lengths, final-state-only).
const PEER_CASES = resolve(here, '../../../../shared/peer-cases');

/** Every case file in `dir` (index.json excluded), parsed; [] when the folder does not exist. */
function loadCases(dir: string): GoldenCase[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort()
    .map((f) => parseGoldenCase(JSON.parse(readFileSync(join(dir, f), 'utf8')), f));
}

const sets = [
  { name: 'shared/golden/pytorch', cases: loadCases(`${SHARED_GOLDEN}/pytorch`) },
  { name: 'shared/golden/seed-rnnlayer', cases: loadCases(`${SHARED_GOLDEN}/seed-rnnlayer`) },
  { name: 'fixtures/pytorch', cases: loadCases(`${PROJECT_FIXTURES}/pytorch`) },
  { name: 'shared/peer-cases', cases: loadCases(PEER_CASES) },
];
const isCi = process.env.CI === 'true';
const peerCount = sets.find((s) => s.name === 'shared/peer-cases')?.cases.length ?? 0;
if (peerCount === 0 && !isCi)
  console.warn(`webgpu golden: skipping the peer cases: none in ${PEER_CASES} (../shared beside the repository)`);

const probe = await probeBackend();
failOnCiWithoutAdapter(probe, 'webgpu golden cases');

describe.skipIf(probe instanceof Error)(`golden cases on webgpu${skipNote(probe)}`, () => {
  afterAll(async () => {
    if (!(probe instanceof Error)) await probe.dispose();
  });
  // CI has ../shared and must run the peer cases; elsewhere a missing folder is a printed skip.
  it.skipIf(peerCount === 0 && !isCi)('shared/peer-cases holds all 11', () => {
    expect(peerCount).toBe(11);
  });
  for (const set of sets) {
    // A folder missing from this checkout (the shared data lives beside the repository) shows as skipped.
    it.skipIf(set.cases.length === 0)(`${set.name} is present`, () => {
      expect(set.cases.length).toBeGreaterThan(0);
    });
    for (const c of set.cases) {
      it(`${set.name}/${c.name} within the golden tolerance`, { timeout: 300_000 }, async () => {
        if (probe instanceof Error) throw probe;
        const result = await checkGoldenCase(probe, c);
        expect(result.failures, c.name).toEqual([]);
      });
    }
  }
});
