import type { ForwardOptions, ForwardResult, GradOutput, ParamGrads, RnnState } from '../../backend.js';
import { type RnnSpec, directionCount, outputSize, storedLayer, storedLayerCount } from '../../config.js';
import { type CallShape, cellStateShape, checkGradOutput, hiddenStateShape } from '../../io-shapes.js';
import { type RnnParams, paramKey } from '../../params.js';
import { type DType, type Tensor, tensor } from '../../tensor.js';
import type { FloatArray } from '../matmul.js';
import { type StackWeights, alloc, copyAs, dropoutMasks, fromTimeMajor, runStack, toTimeMajor } from '../run-stack.js';
import { backDirection } from './back-direction.js';
import type { DirectionGrads, RawDirection } from './contexts.js';
import { runDirection } from '../run-direction.js';
import type { DirectionTape } from './tape.js';

/** PyTorch-layout weights of stored layer `layer`, direction `reverse`, in the working dtype. */
export function rawDirection(params: RnnParams, layer: number, reverse: boolean, dtype: DType): RawDirection {
  const get = (kind: 'weight' | 'bias', source: 'ih' | 'hh' | 'hr' | 'ph'): FloatArray | null => {
    const t = params[paramKey(kind, source, layer, reverse)];
    return t ? (t.dtype === dtype ? t.data : copyAs(dtype, t.data)) : null;
  };
  return { wih: get('weight', 'ih')!, whh: get('weight', 'hh')!, whr: get('weight', 'hr'), ph: get('weight', 'ph') };
}

/** A recorded forward pass of the whole stack: its result and what backpropagation needs. */
export interface StackRecording {
  readonly call: CallShape;
  readonly input: Tensor;
  readonly result: ForwardResult;
  /** Tapes indexed [layer][direction]. */
  readonly tapes: readonly (readonly DirectionTape[])[];
  /** Dropout keep-masks of each layer's output (null: none). */
  readonly masks: readonly (Uint8Array | null)[];
}

/**
 * `runStack` with tapes: the same forward pass (same numbers), keeping every layer-direction's tape
 * and the dropout masks for {@link backwardStack}.
 */
export function recordStack(
  spec: RnnSpec,
  weights: StackWeights,
  input: Tensor,
  initial: RnnState | undefined,
  options: ForwardOptions,
  call: CallShape,
  dtype: DType,
): StackRecording {
  const tapes: DirectionTape[][] = Array.from({ length: spec.numLayers }, () => []);
  const masks = dropoutMasks(spec, options, call.T * call.B * directionCount(spec) * outputSize(spec));
  const result = runStack(spec, weights, input, initial, options, call, dtype, {
    masks,
    direction: (s, w, run, dt, layer) => {
      const rec = runDirection(s, w, run, dt, true);
      tapes[layer]!.push(rec.tape!);
      return rec;
    },
  });
  return { call, input, result, tapes, masks };
}

/**
 * Gradients of L = sum(output ⊙ gOut) + sum(hN ⊙ gH) + sum(cN ⊙ gC) with respect to every parameter,
 * the input and the initial state, from a recorded forward: backpropagation through time layer by
 * layer from the top. Tied layers accumulate into their shared parameters.
 *
 * @throws {@link ShapeError} when a gradOutput tensor does not have the shape of what it is the
 *   gradient of.
 */
export function backwardStack(
  spec: RnnSpec,
  weights: StackWeights,
  params: RnnParams,
  rec: StackRecording,
  gradOutput: GradOutput,
  dtype: DType,
): ParamGrads {
  const { call, tapes, masks } = rec;
  const { T, B } = call;
  const D = directionCount(spec);
  const Hout = outputSize(spec);
  const H = spec.hiddenSize;
  const F = D * Hout;
  const isLstm = spec.mode === 'lstm';
  checkGradOutput(spec, call, gradOutput);
  const scale = 1 / (1 - spec.dropout);
  const grads = allocGrads(spec, params, dtype);
  const dh0 = gradOutput.h ? copyAs(dtype, gradOutput.h.data) : alloc(dtype, spec.numLayers * D * B * Hout);
  const dc0 = isLstm
    ? gradOutput.c
      ? copyAs(dtype, gradOutput.c.data)
      : alloc(dtype, spec.numLayers * D * B * H)
    : null;
  // toTimeMajor copies, so dOut can be scaled in place.
  let dOut = gradOutput.output ? toTimeMajor(spec, gradOutput.output, call, dtype) : alloc(dtype, T * B * F);
  for (let layer = spec.numLayers - 1; layer >= 0; layer--) {
    const keep = masks[layer];
    if (keep) for (let i = 0; i < dOut.length; i++) dOut[i] = keep[i] ? dOut[i]! * scale : 0;
    const I = layer === 0 ? spec.inputSize : F;
    const dx = alloc(dtype, T * B * I);
    for (let d = 0; d < D; d++) {
      const r = layer * D + d;
      const stored = storedLayer(spec, layer);
      backDirection(
        weights[stored]![d]!,
        rawDirection(params, stored, d === 1, dtype),
        tapes[layer]![d]!,
        spec.inputForget,
        {
          dOut,
          outOffset: d * Hout,
          outStride: F,
          dh: dh0.subarray(r * B * Hout, (r + 1) * B * Hout),
          dc: dc0 ? dc0.subarray(r * B * H, (r + 1) * B * H) : null,
          dx,
        },
        grads[stored]![d]!,
        dtype,
      );
    }
    dOut = dx;
  }
  const initialGrad: RnnState = dc0
    ? { h: tensor(dh0, hiddenStateShape(spec, call)), c: tensor(dc0, cellStateShape(spec, call)) }
    : { h: tensor(dh0, hiddenStateShape(spec, call)) };
  return {
    params: gradsToParams(spec, params, grads),
    input: tensor(fromTimeMajor(spec, dOut, call, spec.inputSize), rec.input.shape),
    initial: initialGrad,
  };
}

/** {@link recordStack} then {@link backwardStack}. */
export function stackGradients(
  spec: RnnSpec,
  weights: StackWeights,
  params: RnnParams,
  input: Tensor,
  initial: RnnState | undefined,
  gradOutput: GradOutput,
  options: ForwardOptions,
  call: CallShape,
  dtype: DType,
): ParamGrads {
  return backwardStack(
    spec,
    weights,
    params,
    recordStack(spec, weights, input, initial, options, call, dtype),
    gradOutput,
    dtype,
  );
}

function allocGrads(spec: RnnSpec, params: RnnParams, dtype: DType): DirectionGrads[][] {
  const out: DirectionGrads[][] = [];
  for (let layer = 0; layer < storedLayerCount(spec); layer++) {
    const row: DirectionGrads[] = [];
    for (let d = 0; d < directionCount(spec); d++) {
      const like = (kind: 'weight' | 'bias', source: 'ih' | 'hh' | 'hr' | 'ph'): FloatArray | null => {
        const t = params[paramKey(kind, source, layer, d === 1)];
        return t ? alloc(dtype, t.data.length) : null;
      };
      row.push({
        wih: like('weight', 'ih')!,
        whh: like('weight', 'hh')!,
        bih: like('bias', 'ih'),
        bhh: like('bias', 'hh'),
        whr: like('weight', 'hr'),
        ph: like('weight', 'ph'),
      });
    }
    out.push(row);
  }
  return out;
}

function gradsToParams(spec: RnnSpec, params: RnnParams, grads: DirectionGrads[][]): RnnParams {
  const out: Record<string, Tensor> = {};
  const sources = [
    ['weight', 'ih', 'wih'],
    ['weight', 'hh', 'whh'],
    ['bias', 'ih', 'bih'],
    ['bias', 'hh', 'bhh'],
    ['weight', 'hr', 'whr'],
    ['weight', 'ph', 'ph'],
  ] as const;
  for (let layer = 0; layer < storedLayerCount(spec); layer++) {
    for (let d = 0; d < directionCount(spec); d++) {
      for (const [kind, source, field] of sources) {
        const name = paramKey(kind, source, layer, d === 1);
        const g = grads[layer]![d]![field];
        const p = params[name];
        if (g && p) out[name] = tensor(g, p.shape);
      }
    }
  }
  return Object.freeze(out);
}
