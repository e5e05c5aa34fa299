import type { Backend, Capabilities, ForwardOptions, ForwardResult, GradOutput, ParamGrads, RnnModel, RnnState } from '../backend.js';
import { RNN_MODES, type RnnSpec, defineSpec, directionCount, storedLayerCount } from '../config.js';
import { BackendDisposedError } from '../errors.js';
import { checkForwardArgs } from '../io-shapes.js';
import { type RnnParams, paramsToDType, validateParams } from '../params.js';
import type { DType, Tensor } from '../tensor.js';
import { type DirectionWeights, prepareDirection } from './direction-weights.js';
import { stackGradients } from './backward/stack-gradients.js';
import { type StackWeights, runStack } from './run-stack.js';

/** Options of {@link createReferenceBackend}. */
export interface ReferenceBackendOptions {
  /** Working precision. float64 is the oracle every other backend is judged against. Default float32. */
  readonly dtype?: DType;
}

class ReferenceModel implements RnnModel {
  private weights: StackWeights | null;

  constructor(
    readonly spec: RnnSpec,
    weights: StackWeights,
    private readonly dtype: DType,
    /** The parameters in the working dtype, PyTorch layout, which backpropagation multiplies by. */
    private readonly params: RnnParams,
  ) {
    this.weights = weights;
  }

  gradients(input: Tensor, initial: RnnState | undefined, gradOutput: GradOutput, options: ForwardOptions = {}): Promise<ParamGrads> {
    try {
      const weights = this.live();
      const call = checkForwardArgs(this.spec, input, initial, options);
      return Promise.resolve(stackGradients(this.spec, weights, this.params, input, initial, gradOutput, options, call, this.dtype));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  forward(input: Tensor, initial?: RnnState, options: ForwardOptions = {}): Promise<ForwardResult> {
    try {
      const weights = this.live();
      const call = checkForwardArgs(this.spec, input, initial, options);
      return Promise.resolve(runStack(this.spec, weights, input, initial, options, call, this.dtype));
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
export function createReferenceBackend(options: ReferenceBackendOptions = {}): Backend {
  const dtype = options.dtype ?? 'float32';
  let disposed = false;
  const capabilities: Capabilities = Object.freeze({
    modes: RNN_MODES,
    training: true,
    dtypes: Object.freeze([dtype]),
    tolerance: dtype === 'float64' ? Object.freeze({ rtol: 1e-12, atol: 1e-12 }) : Object.freeze({ rtol: 1e-4, atol: 1e-5 }),
  });
  const backend: Backend = {
    name: 'reference',
    device: `cpu (${dtype}, pure TypeScript)`,
    capabilities,
    unsupported: () => null,
    createModel(specIn: RnnSpec, params: RnnParams): Promise<RnnModel> {
      try {
        if (disposed) throw new BackendDisposedError('reference backend: createModel after dispose()');
        const spec = defineSpec(specIn);
        validateParams(spec, params);
        const weights: DirectionWeights[][] = [];
        for (let layer = 0; layer < storedLayerCount(spec); layer++) {
          const dirs: DirectionWeights[] = [];
          for (let d = 0; d < directionCount(spec); d++) dirs.push(prepareDirection(spec, params, layer, d === 1, dtype));
          weights.push(dirs);
        }
        return Promise.resolve(new ReferenceModel(spec, weights, dtype, paramsToDType(params, dtype)));
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
