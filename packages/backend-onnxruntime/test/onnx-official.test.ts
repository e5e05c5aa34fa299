import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GOLDEN_TOLERANCE, compareTensors, tensor } from '@deeprnn/core';
import { loadOnnxTestCase, readTensorFile, runOnnxTestCase } from '@deeprnn/onnx';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

// ONNX's own RNN/GRU/LSTM operator tests (tools/golden/gen_onnx_official.py), in the layout ONNX ships.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'onnx-official');
const dirs = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
// layout = 1 files: ONNX Runtime's CPU kernels refuse them at session creation ("Batchwise recurrent
// operations (layout == 1) are not supported"), so only the backend path (deeprnn reads layout 1 as
// batchFirst and lowers it to a layout-0 node between Transposes) runs them.
const batchwise = new Set(['test_gru_batchwise', 'test_lstm_batchwise', 'test_simple_rnn_batchwise']);

describe('ONNX official operator tests (fixtures/onnx-official) on onnxruntime', async () => {
  const backend = await createBackend({ executionProviders: ['cpu'] });
  afterAll(() => backend.dispose());

  it('finds the twelve cases', () => expect(dirs).toHaveLength(12));

  it.each(dirs)('backend: %s', async (name) => {
    const result = await runOnnxTestCase(backend, await loadOnnxTestCase(join(root, name)));
    expect(result.failures).toEqual([]);
    expect(result.pass).toBe(true);
  });

  // The original bytes on ONNX Runtime itself: checks the fixtures (ONNX's numpy helpers) against a
  // second implementation, independent of deeprnn's import and export.
  it.each(dirs.filter((d) => !batchwise.has(d)))('original model.onnx: %s', async (name) => {
    const dir = join(root, name);
    const session = await ort.InferenceSession.create(readFileSync(join(dir, 'model.onnx')), {
      executionProviders: ['cpu'],
    });
    try {
      const set = join(dir, 'test_data_set_0');
      const read = (file: string) => readTensorFile(readFileSync(join(set, file)), `${name}/${file}`);
      const feeds: Record<string, ort.Tensor> = {};
      session.inputNames.forEach((input, k) => {
        const t = read(`input_${k}.pb`);
        feeds[input] =
          t.kind === 'float'
            ? new ort.Tensor('float32', Float32Array.from(t.data), t.dims)
            : new ort.Tensor('int32', Int32Array.from(t.data), t.dims);
      });
      const fetched = await session.run(feeds);
      session.outputNames.forEach((output, k) => {
        const want = read(`output_${k}.pb`);
        const got = fetched[output];
        if (want.kind !== 'float' || got === undefined) throw new Error(`${name}: no float ${output}`);
        const cmp = compareTensors(
          tensor(got.data as Float32Array, got.dims),
          tensor(want.data, want.dims),
          GOLDEN_TOLERANCE,
        );
        expect(cmp.detail).toBe(cmp.pass ? cmp.detail : '');
        expect(cmp.pass).toBe(true);
      });
      expect(existsSync(join(set, `output_${session.outputNames.length}.pb`))).toBe(false);
    } finally {
      await session.release();
    }
  });
});
