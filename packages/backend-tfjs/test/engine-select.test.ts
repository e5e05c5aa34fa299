import { BackendInitError, ConfigError } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import {
  ENGINE_NAMES,
  type EngineContext,
  type ModuleLoader,
  type TfControl,
  createBackend,
  probeEngines,
  selectEngine,
} from '../src/index.js';

// Engine selection with an injected module loader and a fake tfjs: no real engine is needed.
function notInstalled(specifier: string): Error {
  return Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' });
}

function fakeTf(working: readonly string[]): TfControl & { active: string; calls: string[] } {
  const state = {
    active: '',
    calls: [] as string[],
    setBackend(name: string): Promise<boolean> {
      state.calls.push(name);
      if (!working.includes(name)) return Promise.resolve(false);
      state.active = name;
      return Promise.resolve(true);
    },
    getBackend: () => state.active,
    flag: (name: string) => Promise.resolve(name === 'WASM_HAS_SIMD_SUPPORT'),
  };
  return state;
}

function loaderOf(modules: Record<string, unknown>): ModuleLoader & { asked: string[] } {
  const asked: string[] = [];
  const load = (specifier: string): Promise<unknown> => {
    asked.push(specifier);
    return specifier in modules ? Promise.resolve(modules[specifier]) : Promise.reject(notInstalled(specifier));
  };
  return Object.assign(load, { asked });
}

function ctx(load: ModuleLoader, tf: TfControl, allowSoftwareGpu = false): EngineContext {
  return { load, tf, allowSoftwareGpu };
}

describe('engine selection', () => {
  it('tries the default order and skips what is not installed, saying so', async () => {
    const load = loaderOf({
      '@tensorflow/tfjs-backend-wasm': { getThreadsCount: () => 1 },
      '@tensorflow/tfjs-backend-cpu': {},
    });
    const { started, notices } = await selectEngine(
      ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'],
      ctx(load, fakeTf(['wasm', 'cpu'])),
    );
    expect(started).toEqual({ engine: 'wasm', tfBackend: 'wasm', device: 'wasm (simd, 1 thread)' });
    expect(notices.map((n) => n.engine)).toEqual(['tfjs-node-gpu', 'tfjs-node']);
    expect(notices[0]?.message).toMatch(/^tfjs-node-gpu: @tensorflow\/tfjs-node-gpu is not installed \(npm install/);
    expect(notices[1]?.message).toMatch(/^tfjs-node: @tensorflow\/tfjs-node is not installed/);
    expect(notices[0]?.cause).toBeInstanceOf(Error);
    expect(load.asked).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm']);
  });

  it('uses tfjs-node when it loads and its backend starts', async () => {
    const tf = fakeTf(['tensorflow']);
    const { started, notices } = await selectEngine(
      ['tfjs-node-gpu', 'tfjs-node', 'cpu'],
      ctx(loaderOf({ '@tensorflow/tfjs-node': {} }), tf),
    );
    expect(started.engine).toBe('tfjs-node');
    expect(started.device).toBe('tfjs-node (libtensorflow, cpu)');
    expect(notices).toHaveLength(1);
    expect(tf.active).toBe('tensorflow');
  });

  it('skips an engine whose tfjs backend does not initialise', async () => {
    const load = loaderOf({ '@tensorflow/tfjs-backend-wasm': {}, '@tensorflow/tfjs-backend-cpu': {} });
    const { started, notices } = await selectEngine(['wasm', 'cpu'], ctx(load, fakeTf(['cpu'])));
    expect(started.engine).toBe('cpu');
    expect(notices[0]?.message).toBe("wasm: tf.setBackend('wasm') resolved false");
  });

  it('keeps looking when a starter throws (a native crash in an optional engine)', async () => {
    const load: ModuleLoader = (s) =>
      s === 'webgpu' ? Promise.reject(new TypeError('dawn.node: bad ELF')) : Promise.resolve({});
    const { started, notices } = await selectEngine(['webgpu', 'cpu'], ctx(load, fakeTf(['cpu'])));
    expect(started.engine).toBe('cpu');
    expect(notices[0]?.message).toMatch(/^webgpu: webgpu failed to load/);
  });

  it('webgpu: no adapter is a skip with a hint; a software adapter is skipped unless the engine was named', async () => {
    const adapter = {
      info: { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe: Mesa 25.0.7' },
    };
    const gpuWith = (a: unknown): Record<string, unknown> => ({
      create: () => ({ requestAdapter: () => Promise.resolve(a) }),
      globals: {},
    });
    const scope = globalThis as { navigator?: unknown };
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    const reset = (): void => {
      if (saved) Object.defineProperty(globalThis, 'navigator', saved);
      else delete scope.navigator;
    };
    try {
      reset();
      const none = await selectEngine(
        ['webgpu', 'cpu'],
        ctx(loaderOf({ webgpu: gpuWith(null), '@tensorflow/tfjs-backend-cpu': {} }), fakeTf(['cpu'])),
      );
      expect(none.notices[0]?.message).toMatch(/no WebGPU adapter.*setup-lavapipe\.sh/);
      reset();
      const soft = await selectEngine(
        ['webgpu', 'cpu'],
        ctx(loaderOf({ webgpu: gpuWith(adapter), '@tensorflow/tfjs-backend-cpu': {} }), fakeTf(['cpu', 'webgpu'])),
      );
      expect(soft.started.engine).toBe('cpu');
      expect(soft.notices[0]?.message).toMatch(/only a software adapter \(llvmpipe\)/);
      reset();
      const named = await selectEngine(
        ['webgpu'],
        ctx(loaderOf({ webgpu: gpuWith(adapter), '@tensorflow/tfjs-backend-webgpu': {} }), fakeTf(['webgpu']), true),
      );
      expect(named.started).toEqual({ engine: 'webgpu', tfBackend: 'webgpu', device: 'webgpu (llvmpipe)' });
    } finally {
      reset();
    }
  });

  it('throws BackendInitError listing every reason when nothing starts', async () => {
    const err = await selectEngine(['tfjs-node', 'wasm'], ctx(loaderOf({}), fakeTf([]))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendInitError);
    expect((err as Error).message).toMatch(
      /tried tfjs-node, wasm\): tfjs-node: .*not installed.*; wasm: .*not installed/,
    );
    expect((err as Error).cause).toBeInstanceOf(AggregateError);
  });

  it('createBackend rejects unknown or empty engine lists with a ConfigError', async () => {
    await expect(createBackend({ engines: [] })).rejects.toBeInstanceOf(ConfigError);
    await expect(createBackend({ engines: ['cuda' as never] })).rejects.toThrow(/unknown engine 'cuda'/);
  });

  it('createBackend with an injected loader records the skipped engines as notices', async () => {
    const real: ModuleLoader = (s) => import(s);
    const load: ModuleLoader = (s) => (s.includes('tfjs-node') ? Promise.reject(notInstalled(s)) : real(s));
    const backend = await createBackend({ engines: ['tfjs-node-gpu', 'tfjs-node', 'cpu'], loader: load });
    expect(backend.name).toBe('tfjs');
    expect(backend.engine).toBe('cpu');
    expect(backend.device).toBe('cpu');
    expect(backend.skipped.map((n) => n.engine)).toEqual(['tfjs-node-gpu', 'tfjs-node']);
    expect(backend.notices).toEqual(backend.skipped.map((n) => n.message));
    expect(backend.notices[0]).toMatch(/^tfjs-node-gpu: @tensorflow\/tfjs-node-gpu is not installed/);
    await backend.dispose();
  });

  it('lists the engines in the default order', () => {
    expect(ENGINE_NAMES).toEqual(['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'webgl', 'wasm', 'cpu']);
  });
});

describe('probeEngines (deeprnn info)', () => {
  it('reports each engine on its own, available or why not', async () => {
    const real: ModuleLoader = (s) => import(s);
    const load: ModuleLoader = (s) => (s.includes('tfjs-node') ? Promise.reject(notInstalled(s)) : real(s));
    const statuses = await probeEngines({ engines: ['tfjs-node', 'wasm', 'cpu'], loader: load });
    expect(statuses.map((s) => [s.engine, s.isAvailable])).toEqual([
      ['tfjs-node', false],
      ['wasm', true],
      ['cpu', true],
    ]);
    expect(statuses[0]?.message).toMatch(/^tfjs-node: @tensorflow\/tfjs-node is not installed/);
    expect(statuses[1]?.device).toMatch(/^wasm \(/);
  });
});
