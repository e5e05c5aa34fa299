import { BackendInitError, hasVulkanLoader } from '@deeprnn/core';
import { withStderrSilenced } from './quiet-stderr.js';

/** Where the GPU came from and what it is, in words (`webgpu (llvmpipe)`). */
export interface AcquiredDevice {
  readonly device: GPUDevice;
  /** `webgpu (<adapter>)`, the backend's `device` string. */
  readonly description: string;
  /** True when this backend created the device and so destroys it on dispose. */
  readonly isOwned: boolean;
}

/** Options that decide which device runs the kernels. */
export interface DeviceRequest {
  /** Use this device (shared with an app or another library); it is not destroyed on dispose. */
  readonly device?: GPUDevice;
  /** Adapter preference when this backend requests its own device. Default `high-performance`. */
  readonly powerPreference?: GPUPowerPreference;
  /** Dawn toggles for the Node `webgpu` package's `create()`, e.g. `enable-dawn-features=disable_robustness`. */
  readonly dawnOptions?: readonly string[];
}

/** Why a device lacks a feature the backend was asked to use: who asked for it and what for. */
export interface FeatureNeed {
  readonly feature: GPUFeatureName;
  /** The option that needs it, for the error: `weightStorage 'float16'`. */
  readonly option: string;
}

function missingFeature(need: FeatureNeed, what: string): BackendInitError {
  return new BackendInitError(
    `webgpu backend: ${need.option} needs the WebGPU feature '${need.feature}', which ${what} does not offer (leave the option out to keep float32)`,
  );
}

/**
 * What a user without an adapter can do. The package's users have no repository script, so the
 * hint names what to install; the repository's own script is a note for contributors.
 */
export const NO_ADAPTER_HELP: string =
  "install a GPU driver with Vulkan support, or, on a machine without a GPU, Mesa's software Vulkan driver lavapipe, Mesa 25 or newer (Dawn refuses older lavapipe such as Debian 12's 22.3: Debian 13/Ubuntu 25.04+: apt install mesa-vulkan-drivers, which brings the Vulkan loader libvulkan1; Debian 12: the same from bookworm-backports; Fedora: dnf install mesa-vulkan-drivers); or pass your own GPUDevice as createBackend({ device }); or run in a browser with WebGPU. Contributors to the deeprnn repository: tools/ci/setup-lavapipe.sh installs lavapipe without root";

function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/**
 * Dawn instances by their options. One per process and options: an instance must outlive every
 * device made from it (Dawn in Node crashes when it is collected first), and each costs a driver load.
 */
const dawnInstances = new Map<string, Promise<GPU>>();

/** Dawn's `create` from the `webgpu` npm package, imported only in Node so browsers never see it. */
function nodeGpu(dawnOptions: readonly string[]): Promise<GPU> {
  const key = dawnOptions.join('\n');
  let gpu = dawnInstances.get(key);
  if (!gpu) {
    gpu = startDawn(dawnOptions);
    gpu.catch(() => dawnInstances.delete(key));
    dawnInstances.set(key, gpu);
  }
  return gpu;
}

async function startDawn(dawnOptions: readonly string[]): Promise<GPU> {
  // Without the loader Dawn finds no adapter anyway and only writes "Couldn't load Vulkan" to the user's stderr.
  if (!hasVulkanLoader()) {
    throw new BackendInitError(
      `webgpu backend: no WebGPU adapter: the Vulkan loader (libvulkan.so.1) is not installed (${NO_ADAPTER_HELP})`,
    );
  }
  let mod: { create?: unknown; default?: { create?: unknown } };
  try {
    // A variable specifier keeps bundlers from pulling Dawn (a native addon) into browser builds.
    const specifier = 'webgpu';
    mod = (await import(specifier)) as typeof mod;
  } catch (cause) {
    throw new BackendInitError(
      'webgpu backend: no navigator.gpu and the `webgpu` package (Dawn for Node) did not load; npm install webgpu',
      { cause },
    );
  }
  const create = mod.create ?? mod.default?.create;
  if (typeof create !== 'function')
    throw new BackendInitError('webgpu backend: the `webgpu` package has no create() export (expected webgpu 0.6)');
  let gpu: GPU;
  try {
    gpu = (create as (options: string[]) => GPU)([...dawnOptions]);
  } catch (cause) {
    throw new BackendInitError('webgpu backend: Dawn failed to start (create() threw)', { cause });
  }
  // Dawn discovers the adapters synchronously inside an instance's first requestAdapter and, on
  // drivers reporting unbounded dynamic buffers (lavapipe), writes two "artificially reduced"
  // warnings to the process's stderr. Discover once now with stderr silenced; later requests on this
  // instance print nothing. This request's answer is not used (acquireDevice asks with its options).
  withStderrSilenced(() => gpu.requestAdapter()).catch(() => undefined);
  return gpu;
}

/** `navigator.gpu` where it exists (browsers, Deno), else Dawn in Node. */
async function findGpu(dawnOptions: readonly string[]): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu && typeof nav.gpu.requestAdapter === 'function') return nav.gpu;
  if (isNode()) return nodeGpu(dawnOptions);
  throw new BackendInitError(
    'webgpu backend: this environment has no navigator.gpu (WebGPU is off or unsupported in this browser)',
  );
}

/** A short adapter name: `llvmpipe`, `NVIDIA H100 80GB HBM3`, or the vendor. */
export function adapterName(info: GPUAdapterInfo | undefined): string {
  const description = info?.description?.trim() ?? '';
  const beforeColon = description.split(' (')[0]?.split(':')[0]?.trim() ?? '';
  return beforeColon || info?.device || info?.vendor || info?.architecture || 'unknown adapter';
}

/**
 * Gets the device the kernels run on: the caller's, or a new one from the best adapter.
 *
 * @throws {@link BackendInitError} naming what is missing (no WebGPU, no adapter, device refused, a feature in `needs`).
 */
export async function acquireDevice(
  request: DeviceRequest,
  needs: readonly FeatureNeed[] = [],
): Promise<AcquiredDevice> {
  if (request.device) {
    const info = (request.device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    const missing = needs.find((n) => !request.device!.features.has(n.feature));
    if (missing) throw missingFeature(missing, 'the device passed as createBackend({ device })');
    return {
      device: request.device,
      description: `webgpu (${info ? adapterName(info) : 'shared device'})`,
      isOwned: false,
    };
  }
  const gpu = await findGpu(request.dawnOptions ?? []);
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: request.powerPreference ?? 'high-performance' });
  } catch (cause) {
    throw new BackendInitError(`webgpu backend: requesting a WebGPU adapter failed (${NO_ADAPTER_HELP})`, { cause });
  }
  if (adapter === null) {
    throw new BackendInitError(
      `webgpu backend: no WebGPU adapter: no usable Vulkan/Metal/D3D12 driver (${NO_ADAPTER_HELP})`,
    );
  }
  const missing = needs.find((n) => !adapter.features.has(n.feature));
  if (missing) throw missingFeature(missing, `the adapter (${adapterName(adapter.info)})`);
  let device: GPUDevice;
  try {
    // Default limits only: the kernels are written to fit them, so lavapipe and every browser run them.
    device = await adapter.requestDevice({ requiredFeatures: needs.map((n) => n.feature) });
  } catch (cause) {
    throw new BackendInitError('webgpu backend: the adapter refused to create a device', { cause });
  }
  return { device, description: `webgpu (${adapterName(adapter.info)})`, isOwned: true };
}
