import type {
  Capabilities,
  ForwardOptions,
  ForwardResult,
  GradOutput,
  ParamGrads,
  RnnModel,
  RnnState,
} from '../backend.js';
import { RNN_MODES, type RnnSpec, defineSpec } from '../config.js';
import { BackendDisposedError } from '../errors.js';
import { checkForwardArgs } from '../io-shapes.js';
import { type RnnParams, paramsToDType, validateParams } from '../params.js';
import type { DType, Tensor } from '../tensor.js';
import type { RnnStream, StreamOptions } from '../stream.js';
import { openStream } from '../stream-base.js';
import { checkStreamOptions, checkStreamSpec } from '../stream-checks.js';
import type { RnnTrainer, TrainerInit } from '../trainer.js';
import type { TrainingBackend } from '../training-support.js';
import { prepareStack } from './direction-weights.js';
import { createReferenceTrainer } from './reference-trainer.js';
import { referenceStreamEngine } from './reference-stream.js';
import { type StackRecording, backwardStack, recordStack } from './backward/stack-gradients.js';
import { type StackWeights, runStack } from './run-stack.js';

/** Options of {@link createReferenceBackend}. */
export interface ReferenceBackendOptions {
  /** Working precision. float64 is the oracle every other backend is judged against. Default float32. */
  readonly dtype?: DType;
}

/** A training-mode forward kept for the `gradients` call that usually follows it with the same arguments. */
interface KeptRecording {
  readonly input: Tensor;
  readonly initial: RnnState | undefined;
  readonly options: ForwardOptions;
  readonly rec: StackRecording;
}

function sameCall(k: KeptRecording, input: Tensor, initial: RnnState | undefined, o: ForwardOptions): boolean {
  return (
    k.input === input &&
    k.initial === initial &&
    k.options.lengths === o.lengths &&
    k.options.dropoutSeed === o.dropoutSeed &&
    o.training === true
  );
}

class ReferenceModel implements RnnModel {
  private weights: StackWeights | null;
  private kept: KeptRecording | null = null;

  constructor(
    readonly spec: RnnSpec,
    weights: StackWeights,
    private readonly dtype: DType,
    /** The parameters in the working dtype, PyTorch layout, which backpropagation multiplies by. */
    private readonly params: RnnParams,
  ) {
    this.weights = weights;
  }

  gradients(
    input: Tensor,
    initial: RnnState | undefined,
    gradOutput: GradOutput,
    options: ForwardOptions = {},
  ): Promise<ParamGrads> {
    try {
      const weights = this.live();
      const call = checkForwardArgs(this.spec, input, initial, options);
      // A training forward with the same tensors already recorded this pass: backpropagate from it
      // instead of running the forward again.
      const kept = this.kept;
      this.kept = null;
      const rec =
        kept && sameCall(kept, input, initial, options)
          ? kept.rec
          : recordStack(this.spec, weights, input, initial, options, call, this.dtype);
      return Promise.resolve(backwardStack(this.spec, weights, this.params, rec, gradOutput, this.dtype));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  forward(input: Tensor, initial?: RnnState, options: ForwardOptions = {}): Promise<ForwardResult> {
    try {
      const weights = this.live();
      const call = checkForwardArgs(this.spec, input, initial, options);
      if (options.training) {
        const rec = recordStack(this.spec, weights, input, initial, options, call, this.dtype);
        this.kept = { input, initial, options, rec };
        return Promise.resolve(rec.result);
      }
      return Promise.resolve(runStack(this.spec, weights, input, initial, options, call, this.dtype));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  stream(options: StreamOptions = {}): Promise<RnnStream> {
    try {
      this.live();
      checkStreamSpec(this.spec);
      const B = checkStreamOptions(this.spec, options);
      const engine = referenceStreamEngine(this.spec, () => this.live(), B, this.dtype, options.initial ?? null);
      return Promise.resolve(
        openStream({ spec: this.spec, isModelDisposed: () => this.weights === null }, B, options.maxBytes, engine),
      );
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  private live(): StackWeights {
    if (this.weights === null) throw new BackendDisposedError('reference model: used after dispose()');
    return this.weights;
  }

  dispose(): Promise<void> {
    this.weights = null;
    this.kept = null;
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/**
 * The pure-TypeScript reference backend: the executable form of the spec, in float32 or float64.
 *
 * @param options - working precision.
 * @returns a backend named `reference` running on the CPU, single-threaded.
 * @example
 * ```ts
 * const backend = createReferenceBackend({ dtype: 'float64' });
 * const model = await backend.createModel(spec, initParams(spec, { seed: 1 }));
 * const { output, state } = await model.forward(input);
 * ```
 */
export function createReferenceBackend(options: ReferenceBackendOptions = {}): TrainingBackend {
  const dtype = options.dtype ?? 'float32';
  let disposed = false;
  const capabilities: Capabilities = Object.freeze({
    modes: RNN_MODES,
    training: true,
    dtypes: Object.freeze([dtype]),
    tolerance:
      dtype === 'float64' ? Object.freeze({ rtol: 1e-12, atol: 1e-12 }) : Object.freeze({ rtol: 1e-4, atol: 1e-5 }),
  });
  const backend: TrainingBackend = {
    name: 'reference',
    device: `cpu (${dtype}, pure TypeScript)`,
    capabilities,
    notices: Object.freeze([]),
    unsupported: () => null,
    // Every spec it runs, it trains: the reference is the oracle of every gradient.
    unsupportedTraining: () => null,
    createModel(specIn: RnnSpec, params: RnnParams): Promise<RnnModel> {
      try {
        if (disposed) throw new BackendDisposedError('reference backend: createModel after dispose()');
        const spec = defineSpec(specIn);
        validateParams(spec, params);
        return Promise.resolve(
          new ReferenceModel(spec, prepareStack(spec, params, dtype), dtype, paramsToDType(params, dtype)),
        );
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
    createTrainer(specIn: RnnSpec, init: TrainerInit): Promise<RnnTrainer> {
      try {
        if (disposed) throw new BackendDisposedError('reference backend: createTrainer after dispose()');
        return Promise.resolve(createReferenceTrainer(defineSpec(specIn), init, dtype));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
    dispose(): Promise<void> {
      disposed = true;
      return Promise.resolve();
    },
    [Symbol.asyncDispose](): Promise<void> {
      return this.dispose();
    },
  };
  return backend;
}
