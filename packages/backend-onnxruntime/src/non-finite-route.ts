import {
  type ForwardOptions,
  type ForwardResult,
  type RnnModel,
  type RnnParams,
  type RnnSpec,
  type RnnState,
  type Tensor,
  createReferenceBackend,
  tensor,
} from '@deeprnn/core';

/**
 * True when the input or the initial state holds NaN or ±Inf. ONNX Runtime's GRU and LSTM CPU kernels
 * clamp gate pre-activations before their sigmoid/tanh, which turns NaN into finite values (measured
 * with onnxruntime-node 1.x); the semantics say NaN in, NaN out, so such calls take another path. One
 * pass over the data, cheap next to the forward itself.
 */
export function hasNonFinite(input: Tensor, initial: RnnState | undefined): boolean {
  for (const t of [input, initial?.h, initial?.c]) {
    if (t === undefined) continue;
    const d = t.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return true;
  }
  return false;
}

/** What the route needs of a model: a forward and a dispose. */
export type RouteModel = Pick<RnnModel, 'forward' | 'dispose'>;

/** A model created on first use and kept: the reference for calls ORT cannot run right. */
export class LazyModel {
  private model: Promise<RouteModel> | null = null;

  constructor(private readonly create: () => Promise<RouteModel>) {}

  get(): Promise<RouteModel> {
    this.model ??= this.create();
    return this.model;
  }

  async dispose(): Promise<void> {
    const m = this.model;
    this.model = null;
    if (m !== null) await (await m).dispose();
  }
}

function toFloat32(t: Tensor): Tensor {
  return t.data instanceof Float32Array ? t : tensor(Float32Array.from(t.data), t.shape);
}

/**
 * The path for calls with NaN or ±Inf: the float64 reference, its results rounded once to float32 (what
 * ORT returns). Not the float32 reference: float32 arithmetic itself moves NaN. An LSTM with
 * `inputForget` sets f = 1 - i; once a clipped gate pre-activation reaches 17 or more, i rounds to 1 in
 * float32 and f to 0, and an infinite cell state gives f * c = 0 * inf = NaN where the semantics (the
 * float64 reference, `clip` 20: f = 2.06e-9) keep -inf. Only calls that already hold non-finite values
 * pay for float64.
 */
export function nonFiniteRoute(spec: RnnSpec, params: RnnParams): LazyModel {
  return new LazyModel(async () => {
    const model = await createReferenceBackend({ dtype: 'float64' }).createModel(spec, params);
    return {
      async forward(input: Tensor, initial?: RnnState, options?: ForwardOptions): Promise<ForwardResult> {
        const r = await model.forward(input, initial, { ...options, checkFinite: false });
        const state: RnnState =
          r.state.c === undefined ? { h: toFloat32(r.state.h) } : { h: toFloat32(r.state.h), c: toFloat32(r.state.c) };
        return { ...r, output: toFloat32(r.output), state };
      },
      dispose: () => model.dispose(),
    };
  });
}
