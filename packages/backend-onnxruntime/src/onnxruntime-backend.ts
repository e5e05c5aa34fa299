import {
  BackendDisposedError,
  type RnnTrainer,
  type TrainingBackend,
  type TrainerInit,
  type RnnMode,
  BackendInitError,
  type Capabilities,
  RNN_MODES,
  type RnnModel,
  type RnnParams,
  type RnnSpec,
  UnsupportedError,
  validateParams,
} from '@deeprnn/core';
import { type OnnxLowering, exportOnnx } from '@deeprnn/onnx';
import type { InferenceSession } from '#ort';
import { loweringFor, nodeLimitation } from './lowering-choice.js';
import { nonFiniteRoute } from './non-finite-route.js';
import { OnnxruntimeModel } from './onnxruntime-model.js';
import { GradientRunner } from './train/gradients.js';
import { GraphSessions } from './train/graph-sessions.js';
import { createOrtTrainer } from './train/trainer.js';
import { trainingUnsupportedReason } from './train/trainable.js';
import { type Ort, loadOrt } from './ort-module.js';
import { type SessionFactory, defaultSessionFactory, probeProviders } from './provider-probe.js';
import {
  DEFAULT_PROVIDERS,
  type ExecutionProvider,
  type SessionTuning,
  deviceName,
  sessionOptions,
} from './session-options.js';

/** Options of {@link createBackend}. */
export interface OnnxruntimeBackendOptions extends SessionTuning {
  /** Providers to try, in order; the first that starts is used. Default cuda, webgpu, cpu. */
  readonly executionProviders?: readonly ExecutionProvider[];
  /**
   * Overrides the measured choice of lowering (see {@link loweringFor}), for all modes or per mode.
   * Specs the ONNX node cannot run right (LSTM projSize, Softplus activations) always use 'loop'.
   */
  readonly lowering?: OnnxLowering | Readonly<Partial<Record<RnnMode, OnnxLowering>>>;
  /**
   * Where training graphs (`createTrainer`, `model.gradients`) run when the forward runs on WebGPU:
   * 'same' (default) routes them as the forward, 'cpu' runs them on the CPU provider. The browser
   * backend passes 'same' too: the wasm heap corruption once seen after WebGPU gradient graphs in
   * onnxruntime-web ("memory access out of bounds") came from overlapping calls into its wasm module,
   * which the page's session queue (web/serialized-sessions.ts) now prevents.
   */
  readonly trainingOnWebgpu?: 'same' | 'cpu';
  /**
   * ONNX Runtime's own (process-wide) log level. Default 'fatal': a provider that cannot start is
   * reported once in {@link OnnxruntimeBackend.notices} instead of as native error lines on stderr.
   */
  readonly ortLogLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
  /** Replaces `InferenceSession.create` (tests inject failing providers with it). */
  readonly createSession?: SessionFactory;
  /**
   * A further reason this runtime's RNN/GRU/LSTM node cannot run `spec` on `provider` (beyond the
   * built-in limits of lowering-choice.ts), or null; such specs take the Loop lowering, with a notice.
   * The browser entry passes onnxruntime-web's WebGPU kernel limits here.
   */
  readonly extraNodeLimitation?: (spec: RnnSpec, provider: ExecutionProvider) => string | null;
  /**
   * This runtime's measured lowering of `spec` on `provider`, where it differs from lowering-choice.ts's
   * table (measured with onnxruntime-node), or null to keep the table's. The browser entry passes
   * onnxruntime-web's: its wasm build runs ORT's CPU kernels, but a Loop costs it far more per step.
   */
  readonly measuredLowering?: (spec: RnnSpec, provider: ExecutionProvider) => OnnxLowering | null;
}

/** How models are routed between the ONNX nodes and the Loop lowering (the options that decide it). */
type Routing = Pick<OnnxruntimeBackendOptions, 'lowering' | 'extraNodeLimitation' | 'measuredLowering'>;

/** The onnxruntime backend: a {@link @deeprnn/core!Backend | Backend} plus what it learned while starting. */
export interface OnnxruntimeBackend extends TrainingBackend {
  /** The execution provider every model of this backend runs on. */
  readonly provider: ExecutionProvider;
  /**
   * What a user should know, each said once: providers that could not start (why, and what runs
   * instead) and models routed around what the provider cannot run (added when such a model is created).
   */
  readonly notices: readonly string[];
}

const CAPABILITIES: Capabilities = Object.freeze({
  modes: RNN_MODES,
  training: true,
  dtypes: Object.freeze(['float32'] as const),
  tolerance: Object.freeze({ rtol: 1e-4, atol: 1e-5 }),
});

class OrtBackend implements OnnxruntimeBackend {
  readonly name = 'onnxruntime';
  readonly capabilities: Capabilities = CAPABILITIES;
  private readonly models = new Set<OnnxruntimeModel>();
  private isDisposed = false;
  private readonly said: string[];

  constructor(
    private readonly ort: Ort,
    readonly provider: ExecutionProvider,
    notices: readonly string[],
    private readonly tuning: SessionTuning,
    private readonly create: SessionFactory,
    private readonly routing: Routing,
    private readonly trainingOnWebgpu: 'same' | 'cpu' = 'same',
  ) {
    this.said = [...new Set(notices)];
  }

  get notices(): readonly string[] {
    return [...this.said];
  }

  private notice(sentence: string): void {
    if (!this.said.includes(sentence)) this.said.push(sentence);
  }

  get device(): string {
    return deviceName(this.provider);
  }

  unsupported(_spec: RnnSpec): string | null {
    // Every config exports: the ONNX operators or the Loop lowering cover the whole spec. Dropout is
    // a training-time option and this backend only runs inference.
    return null;
  }

  unsupportedTraining(spec: RnnSpec): string | null {
    return trainingUnsupportedReason(spec);
  }

  /** Sessions for training graphs, on this backend's provider with its options. */
  private graphSessions(what: string): GraphSessions {
    const provider = this.provider === 'webgpu' && this.trainingOnWebgpu === 'cpu' ? 'cpu' : this.provider;
    return new GraphSessions((bytes) => this.create(bytes, sessionOptions(provider, this.tuning)), what);
  }

  createTrainer(spec: RnnSpec, init: TrainerInit): Promise<RnnTrainer> {
    try {
      if (this.isDisposed) throw new BackendDisposedError('onnxruntime backend: createTrainer after dispose()');
      const why = this.unsupported(spec) ?? this.unsupportedTraining(spec);
      if (why !== null) throw new UnsupportedError(why);
      const ctx = {
        ort: this.ort,
        sessions: this.graphSessions('training step'),
        isBackendDisposed: () => this.isDisposed,
      };
      return Promise.resolve(createOrtTrainer(spec, init, ctx));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  private loweringOf(spec: RnnSpec): OnnxLowering {
    const { lowering, extraNodeLimitation, measuredLowering } = this.routing;
    const asked = typeof lowering === 'string' ? lowering : lowering?.[spec.mode];
    // What the node cannot do right on this provider (projSize, ORT's overflowing Softplus, activations
    // the WebGPU kernels lack) takes the Loop regardless of what was asked: it runs on every provider.
    const limitation = nodeLimitation(spec, this.provider) ?? extraNodeLimitation?.(spec, this.provider) ?? null;
    if (limitation !== null) {
      // Said when it changes what runs: a limit of this provider only, or a lowering the caller asked for.
      if (limitation !== nodeLimitation(spec, 'cpu') || asked === 'node') {
        this.notice(
          `onnxruntime: ${limitation}; such ${spec.mode} models run as a Loop of ONNX operators on ${this.provider} instead of the ${spec.mode.toUpperCase()} node.`,
        );
      }
      return 'loop';
    }
    return asked ?? measuredLowering?.(spec, this.provider) ?? loweringFor(spec, this.provider);
  }

  async createModel(spec: RnnSpec, params: RnnParams): Promise<RnnModel> {
    if (this.isDisposed) throw new BackendDisposedError('onnxruntime backend: createModel after dispose()');
    validateParams(spec, params);
    const why = this.unsupported(spec);
    if (why !== null) throw new UnsupportedError(why);
    const bytes = exportOnnx(spec, params, {
      lowering: this.loweringOf(spec),
      initialState: true,
      sequenceLengths: true,
    });
    let session: InferenceSession;
    try {
      session = await this.create(bytes, sessionOptions(this.provider, this.tuning));
    } catch (e) {
      throw new BackendInitError(
        `onnxruntime: could not create a ${this.provider} session for the ${spec.mode} model`,
        { cause: e },
      );
    }
    // NaN in, NaN out: calls with non-finite input or state run on the reference (see hasNonFinite, nonFiniteRoute).
    const nonFinitePath = nonFiniteRoute(spec, params);
    const gradients = new GradientRunner(spec, this.ort, params, this.graphSessions('gradients'));
    const model = new OnnxruntimeModel(
      spec,
      this.ort,
      session,
      () => this.models.delete(model),
      nonFinitePath,
      gradients,
    );
    this.models.add(model);
    return model;
  }

  async dispose(): Promise<void> {
    this.isDisposed = true;
    const models = [...this.models];
    this.models.clear();
    await Promise.all(models.map((m) => m.dispose()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/**
 * Starts the onnxruntime backend on the first execution provider that works.
 *
 * @param options - providers to try (default cuda, webgpu, cpu), threads, graph optimisation.
 * @returns the backend; `device` says what runs, `notices` why earlier providers were skipped.
 * @throws {@link @deeprnn/core!BackendInitError | BackendInitError} when no provider starts (each failure in `cause`),
 *   or when onnxruntime-node (an optional peer dependency) is not installed: the message says what to install.
 * @example
 * ```ts
 * await using backend = await createBackend();
 * await using model = await backend.createModel(spec, params);
 * const { output, state } = await model.forward(input);
 * ```
 */
export async function createBackend(options: OnnxruntimeBackendOptions = {}): Promise<OnnxruntimeBackend> {
  const order = options.executionProviders ?? DEFAULT_PROVIDERS;
  if (order.length === 0) throw new BackendInitError('onnxruntime: executionProviders is empty');
  const tuning: SessionTuning = {
    ...(options.intraOpThreads !== undefined ? { intraOpThreads: options.intraOpThreads } : {}),
    ...(options.graphOptimizationLevel !== undefined ? { graphOptimizationLevel: options.graphOptimizationLevel } : {}),
  };
  const ort = await loadOrt();
  ort.env.logLevel = options.ortLogLevel ?? 'fatal';
  const create: SessionFactory = options.createSession ?? defaultSessionFactory;
  const probe = await probeProviders(order, tuning, create);
  if (probe.provider === null) {
    throw new BackendInitError(`onnxruntime: no execution provider could start: ${probe.notices.join(' ')}`, {
      cause: new AggregateError(probe.failures),
    });
  }
  return new OrtBackend(
    ort,
    probe.provider,
    probe.notices,
    tuning,
    create,
    options, // the Routing options among them
    options.trainingOnWebgpu,
  );
}
