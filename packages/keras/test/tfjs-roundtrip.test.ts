import * as tf from '@tensorflow/tfjs';
import { type Backend, createReferenceBackend } from '@deeprnn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRoundTrip } from './roundtrip-property.js';

const backends: Backend[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  backends.push(createReferenceBackend());
  const ort = await import('@deeprnn/backend-onnxruntime');
  backends.push(await ort.createBackend({ executionProviders: ['cpu'] }));
  const tfjs = await import('@deeprnn/backend-tfjs');
  backends.push(await tfjs.createBackend({ engines: ['cpu'] }));
}, 120_000);

afterAll(async () => {
  for (const b of backends) await b.dispose();
});

describe('tfjs-layers models imported into deeprnn predict what tfjs-layers predicts', () => {
  it('on every backend, for random models (cells, depth, Bidirectional merge modes, go_backwards, masking, quantized weights)', async () => {
    const { ran, exported } = await checkRoundTrip(backends, 30);
    // Every backend ran cases (a backend that refused every spec would prove nothing).
    for (const b of backends) expect(ran.get(b.name) ?? 0, b.name).toBeGreaterThan(0);
    expect(exported).toBeGreaterThan(0);
    if (process.env.KERAS_TEST_VERBOSE)
      console.log('cases per backend', Object.fromEntries(ran), 'exported back', exported);
  }, 600_000);
});
