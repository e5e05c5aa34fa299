import { BackendDisposedError, ShapeError, defineSpec, fromArray, initParams } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

const spec = defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 2 });
const x = fromArray([1, 2, 3, 4, 5, 6], [3, 1, 2]);

describe('model and backend lifecycle', () => {
  it('dispose twice is harmless; use after dispose throws BackendDisposedError', async () => {
    const backend = await createBackend({ executionProviders: ['cpu'] });
    const model = await backend.createModel(spec, initParams(spec));
    await model.forward(x);
    await model.dispose();
    await model.dispose();
    await expect(model.forward(x)).rejects.toBeInstanceOf(BackendDisposedError);
    await backend.dispose();
    await backend.dispose();
    await expect(backend.createModel(spec, initParams(spec))).rejects.toBeInstanceOf(BackendDisposedError);
  });

  it('backend.dispose releases its models', async () => {
    const backend = await createBackend({ executionProviders: ['cpu'] });
    const model = await backend.createModel(spec, initParams(spec));
    await backend.dispose();
    await expect(model.forward(x)).rejects.toBeInstanceOf(BackendDisposedError);
  });

  it('validates inputs before running', async () => {
    await using backend = await createBackend({ executionProviders: ['cpu'] });
    await using model = await backend.createModel(spec, initParams(spec));
    await expect(model.forward(fromArray([1, 2, 3], [1, 1, 3]))).rejects.toBeInstanceOf(ShapeError);
    await expect(model.forward(x, undefined, { lengths: [4] })).rejects.toBeInstanceOf(ShapeError);
  });
});
