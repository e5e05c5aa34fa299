import {
  BackendDisposedError,
  type ForwardOptions,
  type GradOutput,
  type ParamGrads,
  type RnnParams,
  type RnnSpec,
  type RnnState,
  type Tensor,
} from '@deeprnn/core';
import type { LayerWeights } from '../forward/forward-encoder.js';
import { type ModelContext, WebgpuRnnModel } from '../forward/model.js';
import { webgpuGradients } from './gradients.js';

/** The WebGPU model with `gradients` (backpropagation through time on the training kernels). */
export class TrainableWebgpuModel extends WebgpuRnnModel {
  readonly #context: ModelContext;
  /** Host copies of the parameters: the training kernels read their own flat layout. */
  #params: RnnParams | null;

  constructor(spec: RnnSpec, weights: readonly LayerWeights[], ctx: ModelContext, params: RnnParams) {
    super(spec, weights, ctx);
    this.#context = ctx;
    this.#params = params;
  }

  gradients(
    input: Tensor,
    initial: RnnState | undefined,
    gradOutput: GradOutput,
    options: ForwardOptions = {},
  ): Promise<ParamGrads> {
    try {
      if (this.#context.isBackendDisposed()) throw new BackendDisposedError('webgpu model: its backend was disposed');
      if (this.#params === null) throw new BackendDisposedError('webgpu model: used after dispose()');
      return webgpuGradients(this.#context, this.spec, this.#params, input, initial, gradOutput, options);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  override dispose(): Promise<void> {
    this.#params = null;
    return super.dispose();
  }
}
