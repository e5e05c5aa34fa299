import { defineSpec, hasVulkanLoader, initParams } from '@deeprnn/core';
import { exportOnnx } from '@deeprnn/onnx';
import type { InferenceSession } from '#ort';
import { loadOrt } from './ort-module.js';
import { type ExecutionProvider, type SessionTuning, sessionOptions } from './session-options.js';

/** Creates an ORT session; injectable so tests can make a provider fail. */
export type SessionFactory = (model: Uint8Array, options: InferenceSession.SessionOptions) => Promise<InferenceSession>;

/** The provider that started and the notices about those that did not. */
export interface ProbeResult {
  readonly provider: ExecutionProvider | null;
  readonly notices: readonly string[];
  readonly failures: readonly unknown[];
}

const CUDA_HINT =
  'its libraries are not installed (npm installs onnxruntime-node without them); with CUDA 12 and cuDNN 9 present, run ' +
  '`node node_modules/onnxruntime-node/script/install.js --onnxruntime-node-install=cuda12`';

/** Thrown instead of probing WebGPU where Dawn would only print that it cannot load Vulkan. */
class NoVulkanLoader extends Error {
  constructor() {
    super(
      "the Vulkan loader (libvulkan.so.1) is not installed, so Dawn has no GPU to use; install the GPU's Vulkan driver (or Mesa's lavapipe)",
    );
  }
}

/** One sentence a user can act on, for a provider that failed to start. */
export function providerNotice(provider: ExecutionProvider, error: unknown, next: ExecutionProvider | null): string {
  const raw = error instanceof Error ? error.message : String(error);
  const first = raw.split('\n')[0]?.replace(/\s+/g, ' ').slice(0, 200) ?? '';
  const then = next === null ? 'no provider left' : `using ${next} instead`;
  if (provider === 'cuda')
    return `onnxruntime: CUDA execution provider unavailable: ${/load|shared library|not found/i.test(raw) ? CUDA_HINT : first}; ${then}.`;
  if (provider === 'webgpu') {
    const why =
      error instanceof NoVulkanLoader
        ? raw
        : /adapter/i.test(raw)
          ? 'no WebGPU adapter (Dawn found no GPU or Vulkan driver)'
          : first;
    return `onnxruntime: WebGPU execution provider unavailable: ${why}; ${then}.`;
  }
  return `onnxruntime: ${provider} execution provider unavailable: ${first}; ${then}.`;
}

let probeModel: Uint8Array | null = null;

function tinyModel(): Uint8Array {
  if (probeModel === null) {
    const spec = defineSpec({ mode: 'gru', inputSize: 1, hiddenSize: 1 });
    probeModel = exportOnnx(spec, initParams(spec));
  }
  return probeModel;
}

/** ORT's own session factory, the default; probes made with it are remembered for the process. */
export const defaultSessionFactory: SessionFactory = async (model, options) =>
  (await loadOrt()).InferenceSession.create(model, options);

/**
 * Whether a provider starts, asked once per process and session factory: a provider that failed does
 * not appear later, and every probe of WebGPU makes Dawn write its warnings to stderr again.
 */
const outcomes = new WeakMap<SessionFactory, Map<ExecutionProvider, Promise<unknown>>>();

function probeOnce(provider: ExecutionProvider, tuning: SessionTuning, create: SessionFactory): Promise<unknown> {
  let byProvider = outcomes.get(create);
  if (byProvider === undefined) {
    byProvider = new Map();
    outcomes.set(create, byProvider);
  }
  let outcome = byProvider.get(provider);
  if (outcome === undefined) {
    outcome = (async (): Promise<unknown> => {
      if (provider === 'webgpu' && create === defaultSessionFactory && !hasVulkanLoader()) return new NoVulkanLoader();
      try {
        const session = await create(tinyModel(), sessionOptions(provider, tuning));
        await session.release();
        return null;
      } catch (e) {
        return e;
      }
    })();
    byProvider.set(provider, outcome);
  }
  return outcome;
}

/**
 * Tries providers in order by creating a session for a one-unit GRU on each, and keeps the first that
 * starts. ORT does not fall back by itself (`['webgpu', 'cpu']` throws when there is no adapter), so
 * each provider is tried alone. Quiet: WebGPU is not tried where the Vulkan loader is missing (Dawn
 * would print "Couldn't load Vulkan"), and each provider is probed once per process.
 */
export async function probeProviders(
  order: readonly ExecutionProvider[],
  tuning: SessionTuning,
  create: SessionFactory,
): Promise<ProbeResult> {
  const notices: string[] = [];
  const failures: unknown[] = [];
  for (const [i, provider] of order.entries()) {
    const failure = await probeOnce(provider, tuning, create);
    if (failure === null) return { provider, notices, failures };
    failures.push(failure);
    notices.push(providerNotice(provider, failure, order[i + 1] ?? null));
  }
  return { provider: null, notices, failures };
}
