import type { RnnModel, RnnState, Tensor } from '@deeprnn/core';

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

/** A model created on first use and kept: the float32 reference for calls ORT cannot run right. */
export class LazyModel {
  private model: Promise<RnnModel> | null = null;

  constructor(private readonly create: () => Promise<RnnModel>) {}

  get(): Promise<RnnModel> {
    this.model ??= this.create();
    return this.model;
  }

  async dispose(): Promise<void> {
    const m = this.model;
    this.model = null;
    if (m !== null) await (await m).dispose();
  }
}
