import { describe, expect, it } from 'vitest';
import { checkGoldenCase, createReferenceBackend } from '../src/index.js';
import { caseFiles, fixtures, loadCase, sharedGolden } from './helpers.js';

// Shared golden data lives beside the repository; the project's own fixtures are committed.
const sets = {
  'shared/pytorch': caseFiles(`${sharedGolden}/pytorch`),
  'shared/seed-rnnlayer': caseFiles(`${sharedGolden}/seed-rnnlayer`),
  'shared/onnx-from-pytorch (all runs)': caseFiles(`${sharedGolden}/onnx-from-pytorch`),
  'fixtures/pytorch': caseFiles(`${fixtures}/pytorch`),
  'fixtures/safetensors': caseFiles(`${fixtures}/safetensors`),
};

describe.each(['float32', 'float64'] as const)('reference %s against PyTorch golden data', (dtype) => {
  const backend = createReferenceBackend({ dtype });
  it('finds the project fixtures', () => {
    expect(sets['fixtures/pytorch'].length).toBeGreaterThanOrEqual(20);
  });
  for (const [set, files] of Object.entries(sets)) {
    describe(set, () => {
      it.each(files.map((f) => [f.split('/').pop() as string, f]))('%s', async (_name, file) => {
        const result = await checkGoldenCase(backend, loadCase(file));
        expect(result.failures).toEqual([]);
        expect(result.pass).toBe(true);
      });
    });
  }
});
