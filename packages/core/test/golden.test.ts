import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkGoldenCase, createReferenceBackend } from '../src/index.js';
import { caseFiles, fixtures, loadCase, repoRoot, sharedGolden, sharedMissing, skipShared } from './helpers.js';

// Shared golden data lives beside the repository; the project's own fixtures are committed.
const sets = {
  'shared/pytorch': caseFiles(`${sharedGolden}/pytorch`),
  'shared/seed-rnnlayer': caseFiles(`${sharedGolden}/seed-rnnlayer`),
  'shared/onnx-from-pytorch (all runs)': caseFiles(`${sharedGolden}/onnx-from-pytorch`),
  'fixtures/pytorch': caseFiles(`${fixtures}/pytorch`),
  'fixtures/safetensors': caseFiles(`${fixtures}/safetensors`),
  'fixtures/grad (forward part)': caseFiles(`${fixtures}/grad`),
};

// Expected values hard-coded in ONNX Runtime's, tfjs-layers' and Keras's own tests (../shared/peer-cases,
// README there): lengths, final-state-only checks, HardSigmoid, peepholes, GRU reset-before.
const peerDir = resolve(repoRoot, '../shared/peer-cases');
const peerCases = caseFiles(peerDir);
const peerMissing = peerCases.length === 0 ? `no case files in ${peerDir} (../shared beside the repository)` : null;
if (peerMissing !== null && process.env.CI !== 'true')
  console.warn(`core golden: skipping the peer cases: ${peerMissing}`);

describe.each(['float32', 'float64'] as const)('reference %s against PyTorch golden data', (dtype) => {
  const backend = createReferenceBackend({ dtype });
  it('finds the project fixtures', () => {
    expect(sets['fixtures/pytorch'].length).toBeGreaterThanOrEqual(20);
  });
  for (const [set, files] of Object.entries(sets)) {
    describe(set, () => {
      const shared = set.startsWith('shared/');
      it.skipIf(shared && skipShared)(`has cases${shared && skipShared ? ` (skipped: ${sharedMissing})` : ''}`, () => {
        expect(files.length, `${set}: ${sharedMissing ?? 'no case files'}`).toBeGreaterThan(0);
      });
      it.each(files.map((f) => [f.split('/').pop() as string, f]))('%s', async (_name, file) => {
        const result = await checkGoldenCase(backend, loadCase(file));
        expect(result.failures).toEqual([]);
        expect(result.pass).toBe(true);
      });
    });
  }
});

describe.each(['float32', 'float64'] as const)(
  'reference %s against the peer cases (ORT, tfjs-layers, Keras)',
  (dtype) => {
    const backend = createReferenceBackend({ dtype });
    // Under CI the folder must be there (CI has ../shared); elsewhere its absence is a printed skip.
    it.skipIf(peerMissing !== null && process.env.CI !== 'true')(
      `all 11 are present${peerMissing ? ` (skipped: ${peerMissing})` : ''}`,
      () => {
        expect(existsSync(peerDir), peerMissing ?? '').toBe(true);
        expect(peerCases.map((f) => f.split('/').pop())).toHaveLength(11);
      },
    );
    it.each(peerCases.map((f) => [f.split('/').pop() as string, f]))('%s', async (_name, file) => {
      const result = await checkGoldenCase(backend, loadCase(file));
      expect(result.failures).toEqual([]);
      expect(result.pass).toBe(true);
    });
  },
);
