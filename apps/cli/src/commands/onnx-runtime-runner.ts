import type { OnnxGraphRunner, OnnxOutputName, OnnxRunOutput } from '@deeprnn/conformance';
import { type RnnParams, type RnnSpec, type RnnState, type Tensor, tensor } from '@deeprnn/core';

// onnxruntime-node running a model's original bytes, seen through deeprnn's tensor layouts, for
// `check --onnx`. Only the structural types of what this file uses are declared (the module is optional).

/** An onnxruntime tensor. */
export interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}

/** An onnxruntime inference session. */
export interface OrtSession {
  readonly inputMetadata?: readonly {
    readonly name: string;
    readonly isTensor: boolean;
    readonly shape?: readonly (number | string)[];
  }[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}

/** The parts of onnxruntime-node used here. */
export interface OrtModule {
  readonly InferenceSession: {
    create(bytes: Uint8Array, options?: { readonly logSeverityLevel?: number }): Promise<OrtSession>;
  };
  readonly Tensor: new (
    type: 'float32' | 'int32',
    data: Float32Array | Int32Array,
    dims: readonly number[],
  ) => OrtTensor;
}

/** How one graph input or output maps to deeprnn (an @deeprnn/onnx `IoBinding`). */
interface IoBinding {
  readonly name: string;
  readonly role: string;
  readonly layout: string;
}

/** What `importOnnx` read from the file, as far as the runner needs it. */
export interface ImportedModel {
  readonly spec: RnnSpec;
  readonly params: RnnParams;
  readonly inputs: readonly IoBinding[];
  readonly outputs: readonly IoBinding[];
  readonly isUnbatched?: boolean;
  readonly isTimeReversed?: boolean;
}

/** Layout helpers of @deeprnn/onnx (passed in: the package is loaded as an optional module). */
export interface LayoutHelpers {
  /** [a, b, c] -> [b, a, c]: ONNX `layout = 1` states against deeprnn's. */
  readonly swapLeadingAxes: (t: Tensor) => Tensor;
  /** Reverses each sequence in time (ONNX ReverseSequence); `undefined` lengths: the whole sequence. */
  readonly reverseWithinLengths: (t: Tensor, batchFirst: boolean, lengths: undefined) => Tensor;
}

/** onnxruntime failed while running the model (its error is the cause). */
export class OnnxRuntimeRunError extends Error {
  override readonly name = 'OnnxRuntimeRunError';
}

export function isOrtModule(mod: unknown): mod is OrtModule {
  if (typeof mod !== 'object' || mod === null) return false;
  const m = mod as { InferenceSession?: { create?: unknown }; Tensor?: unknown };
  return typeof m.InferenceSession?.create === 'function' && typeof m.Tensor === 'function';
}

export function isImportedModel(v: unknown): v is ImportedModel {
  return (
    typeof v === 'object' &&
    v !== null &&
    'spec' in v &&
    'params' in v &&
    Array.isArray((v as { inputs?: unknown }).inputs) &&
    Array.isArray((v as { outputs?: unknown }).outputs)
  );
}

/** The ONNX operator's Y ([T, D, B, H], or [B, T, D, H] batch-first) in deeprnn's layout. */
function outputFromOnnx(spec: RnnSpec, y: Tensor): Tensor {
  const [s0, s1, s2, H] = y.shape as [number, number, number, number];
  if (spec.batchFirst) return tensor(Float32Array.from(y.data), [s0, s1, s2 * H]);
  const [T, D, B] = [s0, s1, s2];
  const out = new Float32Array(y.data.length);
  for (let t = 0; t < T; t++)
    for (let d = 0; d < D; d++)
      for (let b = 0; b < B; b++) {
        out.set(y.data.subarray(((t * D + d) * B + b) * H, ((t * D + d) * B + b + 1) * H), ((t * B + b) * D + d) * H);
      }
  return tensor(out, [T, B, D * H]);
}

function fixedDim(session: OrtSession, name: string | undefined, axis: number): number | undefined {
  const meta = session.inputMetadata?.find((m) => m.name === name);
  const d = meta?.shape?.[axis];
  return typeof d === 'number' && d > 0 ? d : undefined;
}

const OUTPUT_ROLES: readonly OnnxOutputName[] = ['output', 'hN', 'cN'];

/** The outputs the graph has, in its order (a `['', 'Y_h']` node has only hN). */
export function graphOutputs(m: ImportedModel): OnnxOutputName[] {
  const roles = m.outputs
    .map((o) => o.role)
    .filter((r): r is OnnxOutputName => (OUTPUT_ROLES as readonly string[]).includes(r));
  return [...new Set(roles)];
}

/**
 * A runner for the original bytes on onnxruntime, converting between ONNX and deeprnn layouts. A
 * single reverse-direction node is fed each sequence reversed in time and its output reversed back,
 * which makes it the forward spec the reference runs (its final states need no change).
 */
export function ortRunner(
  ort: OrtModule,
  session: OrtSession,
  m: ImportedModel,
  layout: LayoutHelpers,
): OnnxGraphRunner {
  const { spec } = m;
  const binding = (role: string): IoBinding | undefined => m.inputs.find((b) => b.role === role);
  const toFeed = (b: IoBinding, t: Tensor): OrtTensor => {
    const value = b.layout === 'onnx' && spec.batchFirst && t.shape.length === 3 ? layout.swapLeadingAxes(t) : t;
    return new ort.Tensor('float32', Float32Array.from(value.data), value.shape);
  };
  const inTime = (t: Tensor): Tensor =>
    m.isTimeReversed ? layout.reverseWithinLengths(t, spec.batchFirst, undefined) : t;
  const x = binding('input');
  const isUnbatched = m.isUnbatched ?? false;
  const timeAxis = isUnbatched || !spec.batchFirst ? 0 : 1;
  const batchAxis = spec.batchFirst ? 0 : 1;
  const fixedSteps = fixedDim(session, x?.name, timeAxis);
  const fixedBatch = isUnbatched ? undefined : fixedDim(session, x?.name, batchAxis);
  return {
    hasInitialState: binding('h0') !== undefined,
    isUnbatched,
    outputs: graphOutputs(m),
    ...(fixedSteps !== undefined ? { fixedSteps } : {}),
    ...(fixedBatch !== undefined ? { fixedBatch } : {}),
    async run(input: Tensor, initial: RnnState | undefined): Promise<OnnxRunOutput> {
      const feeds: Record<string, OrtTensor> = {};
      if (x) feeds[x.name] = toFeed(x, inTime(input));
      const h0 = binding('h0');
      const c0 = binding('c0');
      if (h0 && initial) feeds[h0.name] = toFeed(h0, initial.h);
      if (c0 && initial?.c) feeds[c0.name] = toFeed(c0, initial.c);
      const lens = binding('lengths');
      if (lens) {
        const T = input.shape[timeAxis]!;
        const B = isUnbatched ? 1 : input.shape[batchAxis]!;
        feeds[lens.name] = new ort.Tensor('int32', new Int32Array(B).fill(T), [B]);
      }
      let fetched: Record<string, OrtTensor>;
      try {
        fetched = await session.run(feeds);
      } catch (e) {
        throw new OnnxRuntimeRunError('onnxruntime failed running the model', { cause: e });
      }
      // A missing or non-float32 output is left out: checkOnnxModel reports the graph output it lacks.
      const read = (role: OnnxOutputName): Tensor | undefined => {
        const b = m.outputs.find((o) => o.role === role);
        const v = b ? fetched[b.name] : undefined;
        if (!b || !v || !(v.data instanceof Float32Array)) return undefined;
        const t = tensor(v.data, v.dims);
        if (role === 'output') return inTime(b.layout === 'onnx' ? outputFromOnnx(spec, t) : t);
        return b.layout === 'onnx' && spec.batchFirst && t.shape.length === 3 ? layout.swapLeadingAxes(t) : t;
      };
      const output = read('output');
      const h = read('hN');
      const c = read('cN');
      return { ...(output ? { output } : {}), ...(h ? { h } : {}), ...(c ? { c } : {}) };
    },
  };
}
