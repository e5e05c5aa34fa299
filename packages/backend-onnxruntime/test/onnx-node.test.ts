import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { loadOnnxTestCase, runOnnxTestCase } from '@deeprnn/onnx';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'onnx-node');
const dirs = existsSync(root)
  ? readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
  : [];

describe.skipIf(dirs.length === 0)('ONNX backend-test directories (fixtures/onnx-node) on onnxruntime', async () => {
  const backend = await createBackend({ executionProviders: ['cpu'] });
  afterAll(() => backend.dispose());
  it.each(dirs)('%s', async (name) => {
    const result = await runOnnxTestCase(backend, await loadOnnxTestCase(join(root, name)));
    expect(result.failures).toEqual([]);
  });
});
