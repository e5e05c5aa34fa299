import { ConfigError } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';
import { checkWasmThreads, threadShortfall } from '../src/engine-wasm-threads.js';

describe('tfjs wasm threads', () => {
  it('accepts 1 to 8 threads and refuses the rest with a ConfigError', () => {
    for (const n of [undefined, 1, 4, 8]) expect(() => checkWasmThreads(n)).not.toThrow();
    for (const n of [0, -2, 2.5, 9, Number.NaN]) expect(() => checkWasmThreads(n)).toThrow(ConfigError);
  });

  it('says why fewer threads run than asked: no threaded build, or half the logical cores', () => {
    expect(threadShortfall(undefined, 1, false, 2)).toBeNull();
    expect(threadShortfall(2, 2, true, 4)).toBeNull();
    expect(threadShortfall(2, 1, false, undefined)).toMatch(
      /1 thread of 2 asked: the threaded build needs SharedArrayBuffer/,
    );
    expect(threadShortfall(2, 1, true, 2)).toMatch(/1 thread of 2 asked: .* at most half of 2 logical cores/);
    expect(threadShortfall(1, 2, true, 4)).toMatch(/2 threads run, 1 asked: the count is fixed/);
  });

  it('in Node: wasm runs one thread, and a request for two is a notice saying why', async () => {
    await using backend = await createBackend({ engines: ['wasm'], wasmThreads: 2 });
    expect(backend.device).toMatch(/^wasm \((no )?simd, 1 thread\)$/);
    expect(backend.notices).toEqual([
      expect.stringMatching(/^wasm: 1 thread of 2 asked: the threaded build needs SharedArrayBuffer/),
    ]);
  });

  it('createBackend refuses a bad wasmThreads before starting anything', async () => {
    await expect(createBackend({ engines: ['wasm'], wasmThreads: 0 })).rejects.toThrow(ConfigError);
  });
});
