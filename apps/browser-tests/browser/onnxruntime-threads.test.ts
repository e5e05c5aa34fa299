// onnxruntime-web's wasm threads in a cross-origin isolated page (vitest.config.ts sends COOP/COEP, as
// the playground does). ORT fixes the count when its wasm module starts, once per page: this file's
// first backend asks for 2, so it runs apart from onnxruntime.test.ts, which takes ORT's default.
import { createBackend } from '@deeprnn/backend-onnxruntime';
import { defineSpec, fromArray, initParams } from '@deeprnn/core';
import { expect, it } from 'vitest';

it('the page is cross-origin isolated, so wasm can run threads', () => {
  expect(globalThis.crossOriginIsolated).toBe(true);
});

it('wasmThreads 2 runs two threads and says so in device; a later different count is a notice', async () => {
  await using backend = await createBackend({ executionProviders: ['wasm'], wasmThreads: 2 });
  expect(backend.device).toBe('wasm (simd, 2 threads)');
  const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3 });
  await using model = await backend.createModel(spec, initParams(spec));
  const { output } = await model.forward(fromArray([1, 2, 3, 4], [2, 1, 2]));
  expect(output.shape).toEqual([2, 1, 3]);
  await using again = await createBackend({ executionProviders: ['wasm'], wasmThreads: 3 });
  expect(again.device).toBe('wasm (simd, 2 threads)');
  expect(again.notices.join('\n')).toMatch(/wasmThreads 3 ignored/);
});
