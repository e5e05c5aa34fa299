import { type RnnModel, type RnnState, ShapeError, type Tensor, directionCount, tensor } from '@deeprnn/core';
import { applyDense } from './dense-head.js';
import { reversePrefixes, stackInput } from './keras-mask.js';
import type { KerasImport } from './types.js';

/** Options for {@link predictKeras}. */
export interface PredictKerasOptions {
  /**
   * What masked (padding) steps of the returned sequence hold. `carry` (default) is what tfjs-layers
   * and Keras' RNN layer compute: the forward direction repeats its last valid output, the backward
   * direction (and a go_backwards layer, whose padding comes first) holds its initial state.
   * `zeros` is deeprnn's own output (and Keras 2's inside Bidirectional, which forces
   * `zero_output_for_mask`). A layer saved with `zero_output_for_mask: true` always gives zeros.
   */
  readonly padding?: 'carry' | 'zeros';
}

function initialState(
  imported: KerasImport,
  states: readonly Tensor[],
  B: number,
): { initial: RnnState | undefined; h0: Float32Array } {
  const { spec } = imported;
  const D = directionCount(spec);
  const H = spec.hiddenSize;
  const h = new Float32Array(spec.numLayers * D * B * H);
  const c = new Float32Array(h.length);
  if (states.length !== imported.initialStates.length) {
    throw new ShapeError(
      `predictKeras: the model takes ${imported.initialStates.length} initial-state inputs after the main input, got ${states.length}`,
    );
  }
  imported.initialStates.forEach((s, i) => {
    const t = states[i] as Tensor;
    if (t.data.length !== B * H)
      throw new ShapeError(
        `predictKeras: initial state '${s.input}' must be [${B}, ${H}], got [${t.shape.join(', ')}]`,
      );
    (s.state === 'h' ? h : c).set(t.data, (s.layer * D + s.direction) * B * H);
  });
  if (states.length === 0) return { initial: undefined, h0: h };
  const shape = [spec.numLayers * D, B, H];
  return {
    initial: spec.mode === 'lstm' ? { h: tensor(h, shape), c: tensor(c, shape) } : { h: tensor(h, shape) },
    h0: h,
  };
}

/**
 * Runs an imported Keras model on a deeprnn model: embedding or masking, the stack, the Keras
 * orientation of go_backwards and Bidirectional outputs, the merge mode and the Dense head.
 *
 * @param model - a model created from `imported.spec` and `imported.params` on any backend.
 * @param imported - what {@link importTfjsLayers} (or another importer) returned.
 * @param inputs - the main input (`[B, T, F]`, or `[B, T]` token ids with an Embedding), then the
 *   initial-state inputs in `imported.initialStates` order (`[B, H]` each).
 * @returns what Keras' `predict` returns: `[B, T, F']` with `returnSequences`, else `[B, F']`.
 * @throws {@link @deeprnn/core!ShapeError | ShapeError} for wrong inputs or a mask with padding before valid steps.
 */
export async function predictKeras(
  model: RnnModel,
  imported: KerasImport,
  inputs: Tensor | readonly Tensor[],
  options: PredictKerasOptions = {},
): Promise<Tensor> {
  const [x, ...states] = Array.isArray(inputs) ? (inputs as readonly Tensor[]) : [inputs as Tensor];
  if (x === undefined) throw new ShapeError('predictKeras: no input');
  const { spec } = imported;
  const { features, lengths } = stackInput(imported, x);
  const [B, T] = features.shape as [number, number];
  const D = directionCount(spec);
  const H = spec.hiddenSize;
  const L = spec.numLayers;
  const { initial, h0 } = initialState(imported, states, B);
  const input = imported.goBackwards ? reversePrefixes(features, lengths) : features;
  const result = await model.forward(input, initial, lengths === null ? {} : { lengths });
  const zeros = options.padding === 'zeros' || imported.zeroOutputForMask;
  // One [B, T, H] sequence (or [B, H] last output) per direction, in Keras' orientation.
  const parts: Float32Array[] = [];
  for (let d = 0; d < D; d++) {
    const top = ((L - 1) * D + d) * B * H;
    if (!imported.returnSequences) {
      parts.push(Float32Array.from(result.state.h.data.subarray(top, top + B * H)));
      continue;
    }
    const y = new Float32Array(B * T * H);
    for (let b = 0; b < B; b++) {
      const n = lengths?.[b] ?? T;
      const initialH = h0.subarray(top + b * H, top + (b + 1) * H);
      for (let t = 0; t < T; t++) {
        // go_backwards puts the T - n padding steps first; otherwise padding follows the n valid steps.
        const s = imported.goBackwards ? t - (T - n) : t;
        const at = (b * T + t) * H;
        if (s >= 0 && s < n)
          y.set(result.output.data.subarray((b * T + s) * D * H + d * H, (b * T + s) * D * H + (d + 1) * H), at);
        else if (zeros) continue;
        else if (d === 0 && !imported.goBackwards && n > 0) y.set(y.subarray((b * T + n - 1) * H, (b * T + n) * H), at);
        else y.set(initialH, at);
      }
    }
    parts.push(y);
  }
  const rows = imported.returnSequences ? B * T : B;
  const merged = merge(parts, imported.mergeMode, rows, H);
  let out: Tensor = tensor(merged, imported.returnSequences ? [B, T, merged.length / rows] : [B, merged.length / rows]);
  for (const dense of imported.head) out = applyDense(out, dense);
  return out;
}

function merge(parts: readonly Float32Array[], mode: KerasImport['mergeMode'], rows: number, H: number): Float32Array {
  const [a, b] = parts as [Float32Array, Float32Array | undefined];
  if (b === undefined) return a;
  if (mode === 'concat') {
    const out = new Float32Array(rows * 2 * H);
    for (let r = 0; r < rows; r++) {
      out.set(a.subarray(r * H, (r + 1) * H), r * 2 * H);
      out.set(b.subarray(r * H, (r + 1) * H), r * 2 * H + H);
    }
    return out;
  }
  const f =
    mode === 'sum'
      ? (x: number, y: number) => x + y
      : mode === 'ave'
        ? (x: number, y: number) => 0.5 * (x + y)
        : (x: number, y: number) => x * y;
  return a.map((x, i) => f(x, b[i] as number));
}
