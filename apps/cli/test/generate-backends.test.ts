import { type Backend, createReferenceBackend } from '@deeprnn/core';
import { type LanguageModel, Vocab, generate, initLmParams, lmSpec } from '@deeprnn/lm';
import { afterAll, describe, expect, it } from 'vitest';

// `generate` with a seed must give the same text on every backend (issue 23): the stream runs on the
// backend, the head and pickToken's rule run on the host in float64.

const vocab = new Vocab(['<unk>', ' ', ...'abcdefghijklmnopqrstuvwxyz']);
const isCi = process.env.CI === 'true';

function model(mode: 'gru' | 'lstm' | 'rnn_tanh'): LanguageModel {
  const spec = lmSpec({ mode, vocabSize: vocab.size, hiddenSize: 24, numLayers: 2 });
  return { spec, vocab, params: initLmParams(spec, vocab.size, 11) };
}

async function webgpuOrWhy(): Promise<Backend | string> {
  try {
    return await (await import('@deeprnn/backend-webgpu')).createBackend();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

const backends: Record<string, Backend> = {
  'reference float64': createReferenceBackend({ dtype: 'float64' }),
  'reference float32': createReferenceBackend(),
  onnxruntime: await (await import('@deeprnn/backend-onnxruntime')).createBackend({ executionProviders: ['cpu'] }),
  tfjs: await (await import('@deeprnn/backend-tfjs')).createBackend({ engines: ['wasm'] }),
};
const webgpu = await webgpuOrWhy();
if (typeof webgpu === 'string') {
  // Outside CI a machine without an adapter skips the webgpu lane and says why; CI must have one.
  if (!isCi) console.warn(`skipped: generate on webgpu: ${webgpu}`);
} else {
  backends.webgpu = webgpu;
}
afterAll(async () => {
  for (const b of Object.values(backends)) await b.dispose();
});

describe('generate gives the same text on every backend', () => {
  it.skipIf(typeof webgpu !== 'string' || !isCi)('finds a WebGPU adapter on CI (source .cache/lavapipe/env.sh)', () => {
    throw new Error(`no WebGPU adapter: ${String(webgpu)}`);
  });
  for (const mode of ['gru', 'lstm', 'rnn_tanh'] as const) {
    for (const [rule, options] of [
      ['greedy', { chars: 40 }],
      ['temperature 0.8, seed 3', { chars: 40, temperature: 0.8, seed: 3 }],
    ] as const) {
      it(`${mode}, ${rule}`, async () => {
        const lm = model(mode);
        const texts: Record<string, string> = {};
        for (const [name, backend] of Object.entries(backends))
          texts[name] = await generate(backend, lm, 'time traveller', options);
        const want = texts['reference float64']!;
        expect(want.startsWith('time traveller')).toBe(true);
        for (const [name, text] of Object.entries(texts)) expect(`${name}: ${text}`).toBe(`${name}: ${want}`);
      }, 180_000);
    }
  }
});
