import {
  BackendInitError,
  type RnnModel,
  type RnnParams,
  type RnnSpec,
  type RnnTrainer,
  type TrainerInit,
  UnsupportedError,
  defaultActivations,
  sameActivations,
} from '@deeprnn/core';
import {
  type OnnxruntimeBackend,
  type OnnxruntimeBackendOptions,
  createBackend as createSharedBackend,
} from '../onnxruntime-backend.js';
import type { OnnxLowering } from '@deeprnn/onnx';
import { loadOrt } from '../ort-module.js';
import type { ExecutionProvider } from '../session-options.js';
import { serializedSessionFactory } from './serialized-sessions.js';
import { applyWasmThreads, wasmDevice } from './wasm-threads.js';

/** Execution providers of onnxruntime-web that this backend uses, fastest first. */
export type WebExecutionProvider = 'webgpu' | 'wasm';

/** The default order in a browser: WebGPU when the page gets an adapter, else WebAssembly. */
export const WEB_PROVIDERS: readonly WebExecutionProvider[] = Object.freeze(['webgpu', 'wasm']);

/** Options of the browser {@link createBackend}: those of Node, with the web providers. */
export interface WebBackendOptions extends Omit<
  OnnxruntimeBackendOptions,
  'executionProviders' | 'extraNodeLimitation' | 'measuredLowering'
> {
  /** Providers to try, in order; the first that starts is used. Default webgpu, wasm. */
  readonly executionProviders?: readonly WebExecutionProvider[];
  /**
   * WebAssembly threads of the wasm provider (`env.wasm.numThreads`): process-wide, fixed by the first
   * backend that starts in the page. Default ORT's: min(4, half the logical cores) where the page is
   * cross-origin isolated (COOP/COEP headers), else 1. `device` says what runs.
   */
  readonly wasmThreads?: number;
}

/** The onnxruntime backend in a browser: `provider` and `device` name the web provider that runs. */
export interface WebOnnxruntimeBackend extends Omit<OnnxruntimeBackend, 'provider'> {
  readonly provider: WebExecutionProvider;
}

// onnxruntime-web registers its WebAssembly backend as both 'cpu' and 'wasm'; the shared code (lowering
// table, probe) knows it as 'cpu', which is what ORT's wasm build runs: ORT's CPU kernels.
const ORT_NAME: Readonly<Record<WebExecutionProvider, ExecutionProvider>> = { webgpu: 'webgpu', wasm: 'cpu' };

/** The shared notices speak of Node's providers; in a page, 'cpu' is wasm and the adapter comes from the browser. */
function webNotice(notice: string): string {
  return notice
    .replace('cpu execution provider', 'wasm execution provider')
    .replace('using cpu instead', 'using wasm instead')
    .replace('(Dawn found no GPU or Vulkan driver)', '(navigator.gpu gave none: WebGPU off or no GPU)');
}

/**
 * Whether onnxruntime-web's WebGPU provider runs `spec` as an ONNX GRU/LSTM node. Its WGSL kernels know
 * only the default activations and no clip (measured with 1.30: "Unsupported LSTM activation for
 * WebGPU: ScaledTanh", and session creation fails for a GRU with HardSigmoid); the RNN node has no WebGPU
 * kernel and runs on the CPU with any activation. Other specs run as the Loop lowering: the wasm heap
 * corruption ("memory access out of bounds") once seen with it was overlapping calls into ORT, which
 * the page's session queue (serialized-sessions.ts) rules out.
 */
export function webgpuNodeRuns(spec: RnnSpec): boolean {
  if (spec.mode === 'rnn_tanh' || spec.mode === 'rnn_relu') return true;
  const defaults = defaultActivations(spec.mode);
  return (
    spec.clip === null &&
    sameActivations(spec.activations, defaults) &&
    (!spec.bidirectional || sameActivations(spec.reverseActivations, defaults))
  );
}

/** onnxruntime-web's WebGPU limit as a reason for the Loop lowering (see {@link webgpuNodeRuns}). */
function webKernelLimitation(spec: RnnSpec, provider: ExecutionProvider): string | null {
  if (provider !== 'webgpu' || webgpuNodeRuns(spec)) return null;
  return `onnxruntime-web's WebGPU ${spec.mode.toUpperCase()} kernel runs only the default activations and no clip`;
}

/**
 * onnxruntime-web's own measured lowering: its wasm build (ORT's CPU kernels, known here as 'cpu')
 * runs rnn modes faster as the RNN node than as the Loop that lowering-choice.ts picks for
 * onnxruntime-node, where a Loop step is cheap (README, "Lowering, chosen by measurement"). GRU and
 * LSTM keep the table's node; WebGPU keeps the table's choice.
 */
function webMeasuredLowering(spec: RnnSpec, provider: ExecutionProvider): OnnxLowering | null {
  return provider === 'cpu' && (spec.mode === 'rnn_tanh' || spec.mode === 'rnn_relu') ? 'node' : null;
}

class WebBackend implements WebOnnxruntimeBackend {
  readonly name: string;
  readonly capabilities: OnnxruntimeBackend['capabilities'];
  readonly provider: WebExecutionProvider;
  readonly device: string;

  constructor(
    private readonly shared: OnnxruntimeBackend,
    wasmThreads: string,
    private readonly ownNotices: readonly string[],
  ) {
    this.name = shared.name;
    this.capabilities = shared.capabilities;
    this.provider = shared.provider === 'webgpu' ? 'webgpu' : 'wasm';
    this.device = this.provider === 'wasm' ? wasmThreads : 'webgpu';
  }

  /** This backend's notices, then the shared ones (which grow as models are routed), in the page's words. */
  get notices(): readonly string[] {
    return [...this.ownNotices, ...this.shared.notices.map(webNotice)];
  }

  unsupported(spec: RnnSpec): string | null {
    return this.shared.unsupported(spec);
  }

  async createModel(spec: RnnSpec, params: RnnParams): Promise<RnnModel> {
    const why = this.unsupported(spec);
    if (why !== null) throw new UnsupportedError(why);
    return this.shared.createModel(spec, params);
  }

  unsupportedTraining(spec: RnnSpec): string | null {
    return this.shared.unsupportedTraining(spec);
  }

  /** The shared trainer: the exported training graph on this page's provider (wasm or WebGPU). */
  createTrainer(spec: RnnSpec, init: TrainerInit): Promise<RnnTrainer> {
    const why = this.unsupported(spec) ?? this.unsupportedTraining(spec);
    if (why !== null) return Promise.reject(new UnsupportedError(why));
    return this.shared.createTrainer(spec, init);
  }

  dispose(): Promise<void> {
    return this.shared.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

// ORT starts its wasm module once per page, with the thread count set before that.
let isWasmStarted = false;

/**
 * Starts the onnxruntime backend in a browser (onnxruntime-web, resolved through the `browser` export
 * condition) on the first provider that works: WebGPU, then WebAssembly. Multi-threaded wasm needs the
 * page to be cross-origin isolated (COOP/COEP headers); without it ORT runs one thread.
 *
 * @param options - providers to try (default webgpu, wasm), wasm threads, graph optimisation, lowering.
 * @returns the backend; `device` says what runs (`wasm (simd, 2 threads)`, `webgpu`), `notices` why
 *   earlier providers were skipped or `wasmThreads` could not apply.
 * @throws {@link BackendInitError} when no provider starts, or `executionProviders` names an unknown one.
 * @throws {@link ConfigError} when `wasmThreads` is not a whole number from 1 to 64.
 * @example
 * ```ts
 * import { createBackend } from '@deeprnn/backend-onnxruntime'; // onnxruntime-web in a bundler's browser build
 * const backend = await createBackend();
 * console.log(backend.device, backend.notices);
 * ```
 */
export async function createBackend(options: WebBackendOptions = {}): Promise<WebOnnxruntimeBackend> {
  const order = options.executionProviders ?? WEB_PROVIDERS;
  const unknown = order.filter((p) => !(p in ORT_NAME));
  if (unknown.length > 0) {
    throw new BackendInitError(
      `onnxruntime (web): unknown execution provider ${unknown.map((p) => `'${p}'`).join(', ')}; expected webgpu or wasm`,
    );
  }
  const ort = await loadOrt();
  const notice = applyWasmThreads(ort.env.wasm, options.wasmThreads, isWasmStarted);
  try {
    const shared = await createSharedBackend({
      ...options,
      executionProviders: order.map((p) => ORT_NAME[p]),
      // One call into ORT's wasm module at a time (serialized-sessions.ts says why).
      createSession: options.createSession ?? serializedSessionFactory,
      // Training graphs on the forward's provider, WebGPU included: the heap corruption that once sent
      // them to wasm was overlapping calls into ORT, which the queue above rules out.
      trainingOnWebgpu: 'same',
      extraNodeLimitation: webKernelLimitation,
      measuredLowering: webMeasuredLowering,
    });
    // The probe created a session: ORT's wasm module has started, with the thread count it keeps.
    isWasmStarted = true;
    return new WebBackend(shared, wasmDevice(ort.env.wasm), notice === null ? [] : [notice]);
  } catch (e) {
    if (e instanceof BackendInitError) throw new BackendInitError(webNotice(e.message), { cause: e.cause });
    throw e;
  }
}
