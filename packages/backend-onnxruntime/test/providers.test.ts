import { BackendInitError } from '@deeprnn/core';
import { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { type SessionFactory, createBackend } from '../src/index.js';

/** A session factory where the named providers fail like a missing library would. */
function failing(broken: readonly string[]): { create: SessionFactory; tried: string[] } {
  const tried: string[] = [];
  const create: SessionFactory = (model, options) => {
    const ep = String(options.executionProviders?.[0]);
    tried.push(ep);
    if (broken.includes(ep))
      return Promise.reject(new Error(`${ep}: Failed to load shared library libonnxruntime_providers_${ep}.so`));
    return InferenceSession.create(model, options);
  };
  return { create, tried };
}

describe('execution provider selection', () => {
  it('skips a provider that cannot start, once, with a message saying what to do', async () => {
    const { create, tried } = failing(['cuda']);
    const backend = await createBackend({ executionProviders: ['cuda', 'cpu'], createSession: create });
    expect(tried).toEqual(['cuda', 'cpu']);
    expect(backend.device).toBe('cpu');
    expect(backend.provider).toBe('cpu');
    expect(backend.notices).toHaveLength(1);
    expect(backend.notices[0]).toMatch(
      /CUDA execution provider unavailable.*--onnxruntime-node-install=cuda12.*using cpu instead/,
    );
    await backend.dispose();
  });

  it('reports the provider that really runs', async () => {
    const { create } = failing([]);
    const backend = await createBackend({ executionProviders: ['cpu'], createSession: create });
    expect(backend.device).toBe('cpu');
    expect(backend.notices).toEqual([]);
    await backend.dispose();
  });

  it('names a missing WebGPU adapter', async () => {
    const create: SessionFactory = (model, options) =>
      options.executionProviders?.[0] === 'webgpu'
        ? Promise.reject(new Error('Failed to get a WebGPU adapter: No supported adapters'))
        : InferenceSession.create(model, options);
    const backend = await createBackend({ executionProviders: ['webgpu', 'cpu'], createSession: create });
    expect(backend.notices[0]).toMatch(/no WebGPU adapter.*using cpu instead/);
    await backend.dispose();
  });

  it('throws BackendInitError with every failure when nothing starts', async () => {
    const { create } = failing(['cuda', 'webgpu', 'cpu']);
    const err = await createBackend({ createSession: create }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendInitError);
    expect((err as Error).message).toMatch(/no execution provider could start/);
    expect((err as Error).cause).toBeInstanceOf(AggregateError);
  });

  it('the default order ends on a provider that starts here', async () => {
    const backend = await createBackend();
    expect(['cuda:0', 'webgpu', 'cpu']).toContain(backend.device);
    for (const n of backend.notices) expect(n).toMatch(/^onnxruntime: /);
    await backend.dispose();
  });
});
