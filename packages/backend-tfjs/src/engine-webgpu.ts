import { type EngineContext, type EngineSkip, type StartedEngine, loadOrSkip, setBackendOrSkip } from './engine.js';
import { isVulkanLoaderMissing } from './engine-vulkan.js';
import { moduleExport } from './module-loader.js';

/** The parts of `navigator.gpu` and its adapter that engine selection reads. */
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface AdapterLike {
  readonly info?: {
    readonly vendor?: string;
    readonly architecture?: string;
    readonly device?: string;
    readonly description?: string;
  };
}

const LAVAPIPE_HINT = 'on Linux without a GPU: bash tools/ci/setup-lavapipe.sh, then source its env.sh';

function isGpuLike(value: unknown): value is GpuLike {
  return typeof value === 'object' && value !== null && typeof (value as GpuLike).requestAdapter === 'function';
}

/**
 * Finds `navigator.gpu`, or installs one from the `webgpu` npm package (Dawn) in Node, where there
 * is no navigator. tfjs-backend-webgpu reads `navigator.gpu` and the `GPUBufferUsage`-style globals
 * when it initialises, so both must exist before it is imported.
 */
async function findGpu(ctx: EngineContext): Promise<GpuLike | EngineSkip> {
  const scope = globalThis as { navigator?: { gpu?: unknown } };
  if (isGpuLike(scope.navigator?.gpu)) return scope.navigator.gpu;
  if (await isVulkanLoaderMissing(ctx.load)) {
    return {
      skipped: `webgpu: no WebGPU adapter, the Vulkan loader (libvulkan.so.1) is not installed (${LAVAPIPE_HINT})`,
    };
  }
  const loaded = await loadOrSkip(ctx, 'webgpu', 'npm install webgpu: Dawn for Node, linux-x64/darwin/win32 prebuilt');
  if ('skipped' in loaded) return loaded;
  const create = moduleExport(loaded.mod, 'create');
  if (typeof create !== 'function')
    return { skipped: 'webgpu: the package has no create() export (expected webgpu 0.6)' };
  const globals = moduleExport(loaded.mod, 'globals');
  if (typeof globals === 'object' && globals !== null) {
    for (const [key, value] of Object.entries(globals)) {
      if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
    }
  }
  let gpu: unknown;
  try {
    gpu = create([]);
  } catch (cause) {
    return { skipped: 'webgpu: Dawn failed to start (create([]) threw)', cause };
  }
  if (!isGpuLike(gpu)) return { skipped: 'webgpu: create([]) did not return a GPU object' };
  if (typeof scope.navigator === 'object' && scope.navigator !== null) {
    Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  return gpu;
}

/** A short adapter name: `llvmpipe`, `NVIDIA H100 80GB HBM3`, or the vendor. */
export function adapterName(info: AdapterLike['info']): string {
  const description = info?.description?.trim() ?? '';
  const beforeColon = description.split(':')[0]?.trim() ?? '';
  return beforeColon || info?.device || info?.vendor || 'unknown adapter';
}

/** True for CPU-emulated adapters (lavapipe/llvmpipe, SwiftShader), which are slower than wasm. */
export function isSoftwareAdapter(info: AdapterLike['info']): boolean {
  if (info?.architecture === 'software') return true;
  // Chromium's SwiftShader adapter names itself only in `architecture` ('swiftshader', vendor 'google').
  const text = `${info?.description ?? ''} ${info?.device ?? ''} ${info?.vendor ?? ''} ${info?.architecture ?? ''}`;
  return /llvmpipe|lavapipe|swiftshader/i.test(text);
}

/**
 * Starts the WebGPU engine (tfjs-backend-webgpu over Dawn in Node, the browser's WebGPU elsewhere).
 * A software adapter is accepted only when the caller named the engine, since wasm beats it.
 */
export async function startWebgpu(ctx: EngineContext): Promise<StartedEngine | EngineSkip> {
  const gpu = await findGpu(ctx);
  if ('skipped' in gpu) return gpu;
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (cause) {
    return { skipped: `webgpu: requesting an adapter failed (${LAVAPIPE_HINT})`, cause };
  }
  if (adapter === null)
    return { skipped: `webgpu: no WebGPU adapter, no usable Vulkan/Metal/D3D12 driver (${LAVAPIPE_HINT})` };
  const name = adapterName(adapter.info);
  if (isSoftwareAdapter(adapter.info) && !ctx.allowSoftwareGpu) {
    return {
      skipped: `webgpu: only a software adapter (${name}), slower than wasm; name the engine (engines: ['webgpu']) to use it`,
    };
  }
  const loaded = await loadOrSkip(
    ctx,
    '@tensorflow/tfjs-backend-webgpu',
    'npm install @tensorflow/tfjs-backend-webgpu',
  );
  if ('skipped' in loaded) return loaded;
  const failed = await setBackendOrSkip(ctx, 'webgpu', `webgpu (${name})`);
  return failed ?? { engine: 'webgpu', tfBackend: 'webgpu', device: `webgpu (${name})` };
}
