import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createReferenceBackend } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { loadOnnxTestCase, runOnnxTestCase } from '../src/index.js';
import { REPO, hasDir } from './helpers.js';

const root = join(REPO, 'fixtures', 'onnx-node');
const dirs = hasDir(root)
  ? readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
  : [];

describe.skipIf(dirs.length === 0)(
  'ONNX backend-test directories (fixtures/onnx-node) on the float64 reference',
  () => {
    const backend = createReferenceBackend({ dtype: 'float64' });
    it.each(dirs)('%s', async (name) => {
      const testCase = await loadOnnxTestCase(join(root, name));
      const result = await runOnnxTestCase(backend, testCase);
      expect(result.failures).toEqual([]);
      expect(result.pass).toBe(true);
    });
  },
);
