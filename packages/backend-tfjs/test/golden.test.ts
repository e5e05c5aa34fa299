import { checkGoldenCase } from '@deeprnn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TfjsBackend, createBackend } from '../src/index.js';
import { PEER_CASES, PROJECT_FIXTURES, SHARED_GOLDEN, loadCases } from './golden-files.js';

const sets = [
  { name: 'shared/golden/pytorch', cases: loadCases(`${SHARED_GOLDEN}/pytorch`) },
  { name: 'shared/golden/seed-rnnlayer', cases: loadCases(`${SHARED_GOLDEN}/seed-rnnlayer`) },
  { name: 'shared/golden/onnx-from-pytorch', cases: loadCases(`${SHARED_GOLDEN}/onnx-from-pytorch`) },
  // Written by another engineer's generator (tools/golden); absent until it has run, then checked too.
  { name: 'fixtures/pytorch', cases: loadCases(`${PROJECT_FIXTURES}/pytorch`) },
];
// Lengths, final-state-only checks, HardSigmoid, peepholes, reset-before GRU. CI has ../shared and must
// run them; elsewhere a missing folder is a printed skip.
const peerCases = loadCases(PEER_CASES);
const isCi = process.env.CI === 'true';
if (peerCases.length === 0 && !isCi)
  console.warn(`tfjs golden: skipping the peer cases: none in ${PEER_CASES} (../shared beside the repository)`);

for (const engine of ['wasm', 'cpu'] as const) {
  describe(`golden cases on tfjs ${engine}`, () => {
    let backend: TfjsBackend;
    beforeAll(async () => {
      backend = await createBackend({ engines: [engine] });
    });
    afterAll(async () => {
      await backend.dispose();
    });
    it('runs on the engine it was asked for', () => {
      expect(backend.engine).toBe(engine);
    });
    for (const set of sets) {
      it.skipIf(set.cases.length === 0)(`${set.name}: every case within 1e-5 + 1e-4 |x|`, async () => {
        for (const c of set.cases) {
          const result = await checkGoldenCase(backend, c);
          expect(result.failures, c.name).toEqual([]);
        }
      });
    }
    it.skipIf(peerCases.length === 0 && !isCi)('shared/peer-cases: all 11 within 1e-5 + 1e-4 |x|', async () => {
      expect(peerCases).toHaveLength(11);
      for (const c of peerCases) {
        const result = await checkGoldenCase(backend, c);
        expect(result.failures, c.name).toEqual([]);
        expect(result.pass, c.name).toBe(true);
      }
    });
  });
}
