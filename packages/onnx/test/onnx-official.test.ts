import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createReferenceBackend } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { loadOnnxTestCase, runOnnxTestCase } from '../src/index.js';
import { REPO } from './helpers.js';

// ONNX's own RNN/GRU/LSTM operator tests (tools/golden/gen_onnx_official.py). Most declare their node
// outputs as ['', 'Y_h']: a position-blind reader binds Y_h as the sequence output and fails here.
const root = join(REPO, 'fixtures', 'onnx-official');
const dirs = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('ONNX official operator tests (fixtures/onnx-official) on the float64 reference', () => {
  const backend = createReferenceBackend({ dtype: 'float64' });

  it('has all twelve RNN/GRU/LSTM cases of onnx 1.12', () => {
    expect(dirs).toHaveLength(12);
  });

  it.each(dirs)('%s', async (name) => {
    const testCase = await loadOnnxTestCase(join(root, name));
    const result = await runOnnxTestCase(backend, testCase);
    expect(result.failures).toEqual([]);
    expect(result.pass).toBe(true);
  });
});
