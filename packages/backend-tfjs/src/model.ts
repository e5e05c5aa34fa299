import {
  BackendDisposedError,
  type ForwardOptions,
  type ForwardResult,
  type GradOutput,
  type ParamGrads,
  type RnnModel,
  type RnnParams,
  type RnnSpec,
  type RnnState,
  type RnnStream,
  type StreamOptions,
  type Tensor,
  checkForwardArgs,
  checkStreamOptions,
  checkStreamSpec,
  openStream,
  checkGradOutput,
  paramLayout,
} from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { StartedEngine } from './engine.js';
import { withEngine } from './engine-handle.js';
import { ensureGradients } from './autograd.js';
import { gradientTensors, readGradients } from './gradients.js';
import { dropoutOf } from './dropout.js';
import { runInUserLayout } from './run-layout.js';
import { fromTf, toTf, uploadSteps } from './tensor-convert.js';
import { type OpPolicy, opPolicyFor } from './op-policy.js';
import { tfjsStreamEngine } from './stream.js';
import { type StackWeights, type TfParams, prepareWeights, weightTensors } from './weights.js';

/**
 * A stacked RNN on one tfjs engine. The raw parameters (for gradients) and the prepared weights
 * (transposed, biases folded) are uploaded once; every call runs inside tf.tidy and frees all of its
 * intermediates, so tf.memory().numTensors is unchanged after each call.
 */
export class TfjsModel implements RnnModel {
  /** The spec the model was created for. */
  readonly spec: RnnSpec;
  readonly #engine: StartedEngine;
  readonly #names: readonly string[];
  #raw: TfParams | null;
  #weights: StackWeights | null;
  readonly #onDispose: (model: TfjsModel) => void;
  readonly #policy: OpPolicy;
  readonly #streams = new Set<() => void>();

  private constructor(
    spec: RnnSpec,
    engine: StartedEngine,
    raw: TfParams,
    weights: StackWeights,
    onDispose: (m: TfjsModel) => void,
  ) {
    this.spec = spec;
    this.#engine = engine;
    this.#names = paramLayout(spec).map((s) => s.name);
    this.#raw = raw;
    this.#weights = weights;
    this.#onDispose = onDispose;
    this.#policy = opPolicyFor(engine.engine);
  }

  /** Uploads `params` (already validated) to `engine`. */
  static async upload(
    spec: RnnSpec,
    params: RnnParams,
    engine: StartedEngine,
    onDispose: (m: TfjsModel) => void,
  ): Promise<TfjsModel> {
    return withEngine(engine, () => {
      const raw: Record<string, tf.Tensor> = {};
      for (const slot of paramLayout(spec)) raw[slot.name] = toTf(params[slot.name] as Tensor);
      let weights: StackWeights = [];
      tf.tidy(() => {
        weights = prepareWeights(spec, raw, opPolicyFor(engine.engine));
        weightTensors(weights).forEach((t) => tf.keep(t));
      });
      return new TfjsModel(spec, engine, raw, weights, onDispose);
    });
  }

  async forward(input: Tensor, initial?: RnnState, options: ForwardOptions = {}): Promise<ForwardResult> {
    const weights = this.#live('forward').weights;
    checkForwardArgs(this.spec, input, initial, options);
    const outs = await withEngine(this.#engine, () =>
      tf.tidy(() => {
        const r = runInUserLayout(this.spec, weights, {
          x: { xSteps: uploadSteps(input, this.spec.batchFirst), isUnbatched: input.shape.length === 2 },
          h0: initial ? toTf(initial.h) : null,
          c0: initial?.c ? toTf(initial.c) : null,
          lengths: options.lengths ?? null,
          dropout: dropoutOf(this.spec, options),
          policy: this.#policy,
        });
        return r.c ? [r.output, r.h, r.c] : [r.output, r.h];
      }),
    );
    try {
      const [output, h, c] = await Promise.all(outs.map(fromTf));
      return { output: output as Tensor, state: c ? { h: h as Tensor, c } : { h: h as Tensor } };
    } finally {
      tf.dispose(outs);
    }
  }

  async gradients(
    input: Tensor,
    initial: RnnState | undefined,
    gradOutput: GradOutput,
    options: ForwardOptions = {},
  ): Promise<ParamGrads> {
    const { raw } = this.#live('gradients');
    const call = checkForwardArgs(this.spec, input, initial, options);
    checkGradOutput(this.spec, call, gradOutput);
    await ensureGradients();
    const grads = await withEngine(this.#engine, () =>
      tf.tidy(() =>
        gradientTensors(this.spec, raw, this.#names, call, input, initial, gradOutput, options, this.#policy),
      ),
    );
    try {
      return await readGradients(this.spec, this.#names, grads);
    } finally {
      tf.dispose(grads);
    }
  }

  async stream(options: StreamOptions = {}): Promise<RnnStream> {
    this.#live('stream');
    checkStreamSpec(this.spec);
    const B = checkStreamOptions(this.spec, options);
    const host = {
      spec: this.spec,
      engine: this.#engine,
      policy: this.#policy,
      weights: () => this.#live('stream.step').weights,
    };
    const engine = await tfjsStreamEngine(host, B, options.initial ?? null);
    // The model frees an open stream's state tensors when it is disposed first.
    this.#streams.add(engine.free);
    const dispose = engine.dispose;
    const owned = {
      ...engine,
      dispose: (): Promise<void> => {
        this.#streams.delete(engine.free);
        return dispose();
      },
    };
    return openStream({ spec: this.spec, isModelDisposed: () => this.#raw === null }, B, options.maxBytes, owned);
  }

  async dispose(): Promise<void> {
    if (this.#raw === null || this.#weights === null) return;
    for (const free of this.#streams) free();
    this.#streams.clear();
    tf.dispose(Object.values(this.#raw));
    tf.dispose(weightTensors(this.#weights));
    this.#raw = null;
    this.#weights = null;
    this.#onDispose(this);
  }

  /** Same as `dispose()`; lets `await using` free it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  #live(what: string): { raw: TfParams; weights: StackWeights } {
    if (this.#raw === null || this.#weights === null) {
      throw new BackendDisposedError(`${what}: this tfjs model was disposed`);
    }
    return { raw: this.#raw, weights: this.#weights };
  }
}
