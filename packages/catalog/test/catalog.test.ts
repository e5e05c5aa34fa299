import { DEFAULT_PROVIDERS } from '@deeprnn/backend-onnxruntime';
import { ENGINE_NAMES } from '@deeprnn/backend-tfjs';
import { describe, expect, it } from 'vitest';
import { BACKEND_CATALOG, BACKEND_NAMES, catalogEntry, choiceOf, loadBackend } from '../src/index.js';

describe('the backend catalog', () => {
  it('lists every backend once, in BACKEND_NAMES order', () => {
    expect(BACKEND_CATALOG.map((e) => e.name)).toEqual([...BACKEND_NAMES]);
    expect(BACKEND_NAMES).toEqual(['reference', 'onnxruntime', 'tfjs', 'webgpu']);
  });

  it("lists each backend's own variants in its own default order", () => {
    expect(catalogEntry('tfjs').variants.node).toEqual(ENGINE_NAMES);
    expect(catalogEntry('onnxruntime').variants.node).toEqual(DEFAULT_PROVIDERS);
    // A page cannot load tfjs-node (a native addon); onnxruntime-web runs webgpu or wasm.
    expect(catalogEntry('tfjs').variants.browser).toEqual(ENGINE_NAMES.filter((e) => !e.startsWith('tfjs-node')));
    expect(catalogEntry('onnxruntime').variants.browser).toEqual(['webgpu', 'wasm']);
    expect(catalogEntry('reference').variants.node).toEqual(['float32', 'float64']);
    expect(catalogEntry('webgpu').variantKind).toBeNull();
  });

  it('refuses an unknown name and a variant the backend lacks on the platform', () => {
    expect(() => catalogEntry('webgl')).toThrow(
      "unknown backend 'webgl' (known: reference, onnxruntime, tfjs, webgpu)",
    );
    expect(() => choiceOf('tfjs', 'tfjs-node', 'browser')).toThrow(/no variant 'tfjs-node' on browser/);
    expect(() => choiceOf('onnxruntime', 'wasm', 'node')).toThrow(
      /no variant 'wasm' on node \(known: cuda, webgpu, cpu\)/,
    );
    expect(() => choiceOf('webgpu', 'x')).toThrow(/no variant 'x' on node \(known: webgpu\)/);
  });

  it('puts a variant in the field its backend reads', () => {
    expect(choiceOf('reference', 'float64')).toEqual({ name: 'reference', dtype: 'float64' });
    expect(choiceOf('tfjs', 'wasm', 'browser')).toEqual({ name: 'tfjs', engine: 'wasm' });
    expect(choiceOf('onnxruntime', 'cpu')).toEqual({ name: 'onnxruntime', provider: 'cpu' });
    expect(choiceOf('webgpu', undefined)).toEqual({ name: 'webgpu' });
    expect(choiceOf('webgpu', 'webgpu', 'browser')).toEqual({ name: 'webgpu' });
  });

  it('starts the reference by name, with its notices on the Backend interface', async () => {
    await using backend = await loadBackend({ name: 'reference', dtype: 'float64' });
    expect(backend.name).toBe('reference');
    expect(backend.capabilities.dtypes).toEqual(['float64']);
    expect(backend.notices).toEqual([]);
    await expect(loadBackend({ name: 'nope' })).rejects.toMatchObject({ code: 'E_UNKNOWN_BACKEND' });
  });
});
