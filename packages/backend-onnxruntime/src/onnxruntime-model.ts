import {
  type ForwardOptions,
  type ForwardResult,
  type GradOutput,
  type ParamGrads,
  BackendDisposedError,
  type RnnModel,
  type RnnSpec,
  type RnnState,
  type RnnStream,
  type StreamOptions,
  type Tensor,
  UnsupportedError,
  checkStreamOptions,
  checkStreamSpec,
  openStream,
  cellStateShape,
  checkForwardArgs,
  directionCount,
  hiddenStateShape,
  outputShape,
  outputSize,
  sizeOf,
  tensor,
} from '@deeprnn/core';
import { GRAPH_NAMES } from '@deeprnn/onnx';
import type { InferenceSession, Tensor as OrtTensor } from '#ort';
import type { Ort } from './ort-module.js';
import { type LazyModel, hasNonFinite } from './non-finite-route.js';
import type { GradientRunner } from './train/gradients.js';
import { onnxruntimeStreamEngine } from './stream.js';

function float32(data: Float32Array | Float64Array): Float32Array {
  // Float32 data is handed to ORT as is (no copy); float64 is rounded once.
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

/**
 * A compiled model: one ORT session, created once, with `h0`/`c0` and `sequence_lens` inputs. Calls
 * whose input or initial state is not finite run on the float32 reference (`nonFinitePath`), which
 * keeps NaN where ORT's kernels would hide it.
 */
export class OnnxruntimeModel implements RnnModel {
  private session: InferenceSession | null;

  constructor(
    readonly spec: RnnSpec,
    private readonly ort: Ort,
    session: InferenceSession,
    private readonly onDispose: () => void = () => {},
    private readonly nonFinitePath: LazyModel | null = null,
    private readonly gradientRunner: GradientRunner | null = null,
  ) {
    this.session = session;
  }

  async forward(input: Tensor, initial?: RnnState, options: ForwardOptions = {}): Promise<ForwardResult> {
    const session = this.live();
    const call = checkForwardArgs(this.spec, input, initial, options);
    if (options.training === true && this.spec.dropout > 0) {
      throw new UnsupportedError('onnxruntime: training-mode dropout is not supported (inference only)');
    }
    if (this.nonFinitePath !== null && hasNonFinite(input, initial)) {
      return (await this.nonFinitePath.get()).forward(input, initial, { ...options, checkFinite: false });
    }
    const { T, B } = call;
    const spec = this.spec;
    const n = GRAPH_NAMES;
    const hShape = hiddenStateShape(spec, { ...call, isUnbatched: false });
    const cShape = cellStateShape(spec, { ...call, isUnbatched: false });
    const seqDims = spec.batchFirst ? [B, T, spec.inputSize] : [T, B, spec.inputSize];
    const h0 = initial?.h ? float32(initial.h.data) : new Float32Array(sizeOf(hShape));
    const feeds: Record<string, OrtTensor> = {
      [n.input]: new this.ort.Tensor('float32', float32(input.data), seqDims),
      [n.h0]: new this.ort.Tensor('float32', h0, hShape),
    };
    let c0: Float32Array | null = null;
    if (spec.mode === 'lstm') {
      c0 = initial?.c ? float32(initial.c.data) : new Float32Array(sizeOf(cShape));
      feeds[n.c0] = new this.ort.Tensor('float32', c0, cShape);
    }
    const lengths = options.lengths === undefined ? new Int32Array(B).fill(T) : Int32Array.from(options.lengths);
    feeds[n.lengths] = new this.ort.Tensor('int32', lengths, [B]);
    const result = await session.run(feeds);
    const take = (name: string): Float32Array => {
      const t = result[name];
      if (t === undefined || !(t.data instanceof Float32Array))
        throw new UnsupportedError(`onnxruntime: the session returned no float32 '${name}'`);
      return t.data;
    };
    const hN = take(n.hN);
    const cN = spec.mode === 'lstm' ? take(n.cN) : null;
    keepInitialStateAtLengthZero(spec, lengths, B, hN, h0, outputSize(spec));
    if (cN !== null && c0 !== null) keepInitialStateAtLengthZero(spec, lengths, B, cN, c0, spec.hiddenSize);
    const state: RnnState =
      cN === null
        ? { h: tensor(hN, hiddenStateShape(spec, call)) }
        : { h: tensor(hN, hiddenStateShape(spec, call)), c: tensor(cN, cellStateShape(spec, call)) };
    return { output: tensor(take(n.output), outputShape(spec, call)), state };
  }

  stream(options: StreamOptions = {}): Promise<RnnStream> {
    try {
      this.live();
      checkStreamSpec(this.spec);
      const B = checkStreamOptions(this.spec, options);
      const host = { spec: this.spec, ort: this.ort, session: () => this.live(), nonFinitePath: this.nonFinitePath };
      const engine = onnxruntimeStreamEngine(host, B, options.initial ?? null);
      return Promise.resolve(
        openStream({ spec: this.spec, isModelDisposed: () => this.session === null }, B, options.maxBytes, engine),
      );
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /** Backpropagation through time as one ONNX graph per (T, B) (see GradientRunner). */
  gradients(
    input: Tensor,
    initial: RnnState | undefined,
    gradOutput: GradOutput,
    options?: ForwardOptions,
  ): Promise<ParamGrads> {
    try {
      this.live();
      if (this.gradientRunner === null) throw new UnsupportedError('onnxruntime model: created without gradients');
      return this.gradientRunner.gradients(input, initial, gradOutput, options);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  private live(): InferenceSession {
    if (this.session === null) throw new BackendDisposedError('onnxruntime model: used after dispose()');
    return this.session;
  }

  async dispose(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session === null) return;
    this.onDispose();
    await Promise.all([session.release(), this.nonFinitePath?.dispose(), this.gradientRunner?.release()]);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/**
 * ORT's RNN/GRU/LSTM kernels return zeros as the final state of a sequence of length 0 (measured with
 * onnxruntime-node 1.30); deeprnn's semantics keep h0 there (nothing was processed), as the Loop
 * lowering does. Copies the initial state back into those rows.
 */
function keepInitialStateAtLengthZero(
  spec: RnnSpec,
  lengths: Int32Array,
  B: number,
  final: Float32Array,
  initial: Float32Array,
  F: number,
): void {
  if (!lengths.includes(0)) return;
  const rows = spec.numLayers * directionCount(spec);
  for (let b = 0; b < B; b++) {
    if (lengths[b] !== 0) continue;
    for (let r = 0; r < rows; r++) final.set(initial.subarray((r * B + b) * F, (r * B + b + 1) * F), (r * B + b) * F);
  }
}
