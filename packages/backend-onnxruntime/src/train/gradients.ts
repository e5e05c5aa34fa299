import {
  type CallShape,
  type ForwardOptions,
  type GradOutput,
  type ParamGrads,
  type RnnParams,
  type RnnSpec,
  type RnnState,
  type Tensor,
  UnsupportedError,
  cellStateShape,
  checkForwardArgs,
  checkGradOutput,
  directionCount,
  hiddenStateShape,
  outputSize,
  paramLayout,
  sizeOf,
  tensor,
} from '@deeprnn/core';
import { exportGradientGraph } from '@deeprnn/onnx';
import type { Tensor as OrtTensor } from '#ort';
import type { Ort } from '../ort-module.js';
import { dropoutMultipliers, float32, fromTimeMajor, graphKey, hasDropout, timeMajor } from './call-data.js';
import type { GraphSessions } from './graph-sessions.js';

/**
 * `RnnModel.gradients` on ONNX Runtime: backpropagation through time as one plain ONNX graph per
 * (T, B) (`exportGradientGraph`), with the model's parameters as inputs.
 */
export class GradientRunner {
  private readonly paramFeeds: Record<string, OrtTensor>;

  constructor(
    private readonly spec: RnnSpec,
    private readonly ort: Ort,
    params: RnnParams,
    private readonly sessions: GraphSessions,
  ) {
    this.paramFeeds = {};
    for (const slot of paramLayout(spec)) {
      // Copied: the caller may change its arrays after createModel.
      this.paramFeeds[slot.name] = new ort.Tensor('float32', Float32Array.from(params[slot.name]!.data), slot.shape);
    }
  }

  async gradients(
    input: Tensor,
    initial: RnnState | undefined,
    gradOutput: GradOutput,
    options: ForwardOptions = {},
  ): Promise<ParamGrads> {
    const spec = this.spec;
    const call = checkForwardArgs(spec, input, initial, options);
    checkGradOutput(spec, call, gradOutput);
    const { T, B } = call;
    const F = directionCount(spec) * outputSize(spec);
    const rows = spec.numLayers * directionCount(spec);
    const hShape = [rows, B, outputSize(spec)];
    const cShape = [rows, B, spec.hiddenSize];
    const isLstm = spec.mode === 'lstm';
    const dropout = hasDropout(spec, options.training === true);
    const lengths = options.lengths !== undefined;
    const f = (data: Float32Array, shape: number[]): OrtTensor => new this.ort.Tensor('float32', data, shape);
    const orZeros = (t: Tensor | undefined, shape: number[]): Float32Array =>
      t === undefined ? new Float32Array(sizeOf(shape)) : float32(t.data);
    const feeds: Record<string, OrtTensor> = {
      ...this.paramFeeds,
      input: f(timeMajor(spec, input, call), [T, B, spec.inputSize]),
      h0: f(orZeros(initial?.h, hShape), hShape),
      grad_output: f(
        gradOutput.output === undefined ? new Float32Array(T * B * F) : timeMajor(spec, gradOutput.output, call),
        [T, B, F],
      ),
      grad_hN: f(orZeros(gradOutput.h, hShape), hShape),
    };
    if (isLstm) {
      feeds['c0'] = f(orZeros(initial?.c, cShape), cShape);
      feeds['grad_cN'] = f(orZeros(gradOutput.c, cShape), cShape);
    }
    if (options.lengths !== undefined)
      feeds['sequence_lens'] = new this.ort.Tensor('int32', Int32Array.from(options.lengths), [B]);
    if (dropout) {
      dropoutMultipliers(spec, options.dropoutSeed ?? 0, call).forEach((m, k) => {
        feeds[`dropout_mask_l${k}`] = f(m, [T, B, F]);
      });
    }
    const session = await this.sessions.get(`grad:${graphKey(call, lengths, dropout)}`, () =>
      exportGradientGraph(spec, { T, B, lengths, dropout }),
    );
    const out = await session.run(feeds);
    return unpack(spec, call, out, input.shape);
  }

  /** Releases the gradient graphs' sessions. */
  release(): Promise<void> {
    return this.sessions.release();
  }
}

function unpack(
  spec: RnnSpec,
  call: CallShape,
  out: Record<string, OrtTensor>,
  inputShape: readonly number[],
): ParamGrads {
  const take = (name: string): Float32Array => {
    const t = out[name];
    if (t === undefined || !(t.data instanceof Float32Array))
      throw new UnsupportedError(`onnxruntime: the gradient graph returned no float32 '${name}'`);
    return t.data;
  };
  const params: RnnParams = Object.fromEntries(
    paramLayout(spec).map((s) => [s.name, tensor(take(`grad.${s.name}`), s.shape)]),
  );
  const initial: RnnState =
    spec.mode === 'lstm'
      ? {
          h: tensor(take('grad.h0'), hiddenStateShape(spec, call)),
          c: tensor(take('grad.c0'), cellStateShape(spec, call)),
        }
      : { h: tensor(take('grad.h0'), hiddenStateShape(spec, call)) };
  return { params, input: tensor(fromTimeMajor(spec, take('grad.input'), call), [...inputShape]), initial };
}
