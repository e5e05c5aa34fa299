import {
  type Backend,
  BackendDisposedError,
  type Capabilities,
  type RnnParams,
  type RnnSpec,
  type TrainerInit,
  defineSpec,
  validateParams,
} from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { capabilitiesFor } from './capabilities.js';
import type { StartedEngine } from './engine.js';
import { ENGINE_NAMES, type EngineName } from './engine-name.js';
import { withEngine } from './engine-handle.js';
import { keepPaddingFinite } from './engine-webgl.js';
import { type ModuleLoader, importModule } from './module-loader.js';
import { TfjsModel } from './model.js';
import { type EngineNotice, selectEngine } from './select-engine.js';
import { validateEngineList } from './engine-list.js';
import { checkWasmThreads } from './engine-wasm-threads.js';
import { TfjsTrainer } from './trainer.js';

/** Options of {@link createBackend}. */
export interface CreateBackendOptions {
  /**
   * Engines to try, best first. Default: tfjs-node-gpu, tfjs-node, webgpu, wasm, cpu. By default a
   * software WebGPU adapter (lavapipe/llvmpipe, SwiftShader) is skipped since wasm is faster; naming
   * `webgpu` here accepts it.
   */
  readonly engines?: readonly EngineName[];
  /** Loads optional packages; defaults to dynamic `import()`. Tests inject one. */
  readonly loader?: ModuleLoader;
  /**
   * Threads of the wasm engine (1 to 8), fixed for the process by the first backend that starts wasm.
   * Default tfjs's: half the logical cores in a cross-origin isolated page, one in Node. `device` says
   * what runs; `notices` why fewer threads run than asked.
   */
  readonly wasmThreads?: number;
}

/** The deeprnn backend on TensorFlow.js. */
export class TfjsBackend implements Backend {
  readonly name = 'tfjs' as const;
  /** What runs: `webgpu (llvmpipe)`, `wasm (simd, 1 thread)`, `cpu`, `tfjs-node (libtensorflow, cpu)`. */
  readonly device: string;
  /** The engine that runs. */
  readonly engine: EngineName;
  /**
   * One line per engine tried before this one and skipped, saying what is missing, e.g.
   * `tfjs-node: @tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node; ...)`.
   * The CLI prints these; the package never does.
   */
  readonly notices: readonly string[];
  /** The same skips with their engine and underlying failure (`cause`). */
  readonly skipped: readonly EngineNotice[];
  /** What the engine that started runs and trains, and its tolerance against the float64 reference. */
  readonly capabilities: Capabilities;
  readonly #started: StartedEngine;
  readonly #models = new Set<TfjsModel>();
  readonly #trainers = new Set<TfjsTrainer>();
  #isDisposed = false;

  constructor(started: StartedEngine, notices: readonly EngineNotice[]) {
    this.#started = started;
    this.engine = started.engine;
    this.device = started.device;
    this.skipped = Object.freeze([...notices]);
    this.notices = Object.freeze([...notices.map((n) => n.message), ...(started.notes ?? [])]);
    this.capabilities = capabilitiesFor(started.engine);
  }

  unsupported(_spec: RnnSpec): string | null {
    // Every mode and option of the spec is implemented with tfjs ops on every engine.
    return null;
  }

  unsupportedTraining(_spec: RnnSpec): string | null {
    // Gradients come from tf.grad over the same ops as the forward, so whatever runs also trains.
    return null;
  }

  async createModel(spec: RnnSpec, params: RnnParams): Promise<TfjsModel> {
    if (this.#isDisposed) throw new BackendDisposedError('createModel: this tfjs backend was disposed');
    validateParams(spec, params);
    const model = await TfjsModel.upload(spec, params, this.#started, (m) => this.#models.delete(m));
    this.#models.add(model);
    return model;
  }

  /**
   * Starts a trainer whose parameters, head and optimizer state are variables on this engine (see
   * {@link TfjsTrainer}).
   *
   * @throws {@link @deeprnn/core!ParameterError | ParameterError} or
   *   {@link @deeprnn/core!UnsupportedError | UnsupportedError} when `init` does not fit `spec`.
   */
  async createTrainer(specIn: RnnSpec, init: TrainerInit): Promise<TfjsTrainer> {
    if (this.#isDisposed) throw new BackendDisposedError('createTrainer: this tfjs backend was disposed');
    const trainer = await TfjsTrainer.create(defineSpec(specIn), this, init, (t) => this.#trainers.delete(t));
    this.#trainers.add(trainer);
    return trainer;
  }

  /**
   * Runs `build` with this backend's engine active in tfjs. Synchronous tfjs code only: the engine
   * may change after `build` returns.
   */
  run<T>(build: () => T): Promise<T> {
    if (this.#isDisposed) return Promise.reject(new BackendDisposedError('run: this tfjs backend was disposed'));
    return withEngine(this.#started, build);
  }

  /** Disposes every model and trainer this backend created; the tfjs engine itself stays up for other users. */
  async dispose(): Promise<void> {
    this.#isDisposed = true;
    await Promise.all([...this.#models].map((m) => m.dispose()));
    await Promise.all([...this.#trainers].map((t) => t.dispose()));
  }

  /** Same as `dispose()`; lets `await using` free it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/**
 * Creates the tfjs backend on the best engine that starts.
 *
 * @param options - engines to try and the module loader.
 * @returns the backend; `device` says what runs and `notices` why better engines were skipped (one line each).
 * @throws {@link @deeprnn/core!BackendInitError | BackendInitError} when no engine starts (every reason in the message,
 *   failures in `cause`).
 * @throws {@link @deeprnn/core!ConfigError | ConfigError} when `engines` names an unknown engine or is empty, or
 *   `wasmThreads` is not 1 to 8.
 * @remarks tfjs is one global engine per process. Each backend switches tfjs to its own engine at
 *   every call, so backends on different engines can coexist; this function also sets tfjs's `PROD`
 *   flag, which turns off tfjs's debug checks and its console messages.
 * @example
 * ```ts
 * await using backend = await createBackend({ engines: ['wasm'] });
 * await using model = await backend.createModel(spec, initParams(spec, { seed: 1 }));
 * const { output, state } = await model.forward(input);
 * ```
 */
export async function createBackend(options: CreateBackendOptions = {}): Promise<TfjsBackend> {
  const order = options.engines ?? ENGINE_NAMES;
  validateEngineList(order);
  checkWasmThreads(options.wasmThreads);
  tf.env().set('PROD', true);
  const { started, notices } = await selectEngine(order, {
    load: options.loader ?? importModule,
    tf: { setBackend: (n) => tf.setBackend(n), getBackend: () => tf.getBackend(), flag: (n) => tf.env().getAsync(n) },
    allowSoftwareGpu: options.engines !== undefined,
    ...(options.wasmThreads === undefined ? {} : { wasmThreads: options.wasmThreads }),
  });
  // Set once the webgl engine is chosen (not while probing): the flag is tfjs's, global to the page.
  const engine: StartedEngine =
    started.engine === 'webgl'
      ? { ...started, notes: [...(started.notes ?? []), keepPaddingFinite((name, value) => tf.env().set(name, value))] }
      : started;
  return new TfjsBackend(engine, notices);
}
