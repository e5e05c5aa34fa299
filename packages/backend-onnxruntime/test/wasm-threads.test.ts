import { ConfigError } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { type WasmThreadFlags, applyWasmThreads, wasmDevice } from '../src/web/wasm-threads.js';

describe('onnxruntime-web wasm threads', () => {
  it('sets env.wasm.numThreads before ORT starts, and leaves ORT its default when none is asked', () => {
    const flags: WasmThreadFlags = {};
    expect(applyWasmThreads(flags, undefined, false)).toBeNull();
    expect(flags.numThreads).toBeUndefined();
    expect(applyWasmThreads(flags, 2, false)).toBeNull();
    expect(flags.numThreads).toBe(2);
  });

  it('after ORT started, a different count is a notice and the flag keeps what runs', () => {
    const flags: WasmThreadFlags = { numThreads: 1 };
    expect(applyWasmThreads(flags, 1, true)).toBeNull();
    expect(applyWasmThreads(flags, 4, true)).toMatch(/wasmThreads 4 ignored: .* already runs 1 thread\(s\)/);
    expect(flags.numThreads).toBe(1);
  });

  it('refuses counts that are not whole numbers from 1 to 64', () => {
    for (const bad of [0, -1, 1.5, 65, Number.NaN]) expect(() => applyWasmThreads({}, bad, false)).toThrow(ConfigError);
  });

  it('names the thread count ORT wrote back in the device', () => {
    expect(wasmDevice({ numThreads: 2 })).toBe('wasm (simd, 2 threads)');
    expect(wasmDevice({ numThreads: 1 })).toBe('wasm (simd, 1 thread)');
    expect(wasmDevice({})).toBe('wasm (simd, 1 thread)');
  });
});
