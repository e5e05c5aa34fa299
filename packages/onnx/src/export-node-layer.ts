import {
  type RnnParams,
  type RnnSpec,
  type Tensor,
  directionCount,
  gateCount,
  layerInputSize,
  paramKey,
  storedLayer,
} from '@deeprnn/core';
import { gatesToOnnx, peepholesToOnnx } from './gate-order.js';
import type { GraphBuilder } from './graph-builder.js';
import type { LayerInputs, LayerOutputs } from './layer-io.js';
import { recurrentAttributes, recurrentOpType } from './recurrent-attributes.js';

function param(params: RnnParams, name: string): Tensor {
  const t = params[name];
  if (t === undefined) throw new RangeError(`export: params lack ${name}`); // validated before; never reached
  return t;
}

function concatDirections(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Emits one layer as a single ONNX RNN/GRU/LSTM node (both directions in one node), with its
 * weights as initializers in ONNX gate order. Tied layers reuse the initializers of layer 1.
 */
export function emitNodeLayer(
  b: GraphBuilder,
  spec: RnnSpec,
  params: RnnParams,
  layer: number,
  io: LayerInputs,
): LayerOutputs {
  const D = directionCount(spec);
  const G = gateCount(spec.mode);
  const H = spec.hiddenSize;
  const stored = storedLayer(spec, layer);
  const F = layerInputSize(spec, layer);
  const dirs = D === 2 ? [false, true] : [false];
  const f32 = (t: Tensor): Float32Array => (t.data instanceof Float32Array ? t.data : Float32Array.from(t.data));
  const W = b.floatInitializer(
    `W_l${stored}`,
    [D, G * H, F],
    concatDirections(dirs.map((r) => gatesToOnnx(spec.mode, f32(param(params, paramKey('weight', 'ih', stored, r)))))),
  );
  const R = b.floatInitializer(
    `R_l${stored}`,
    [D, G * H, H],
    concatDirections(dirs.map((r) => gatesToOnnx(spec.mode, f32(param(params, paramKey('weight', 'hh', stored, r)))))),
  );
  let B = '';
  if (spec.bias) {
    const rows = dirs.flatMap((r) => [
      gatesToOnnx(spec.mode, f32(param(params, paramKey('bias', 'ih', stored, r)))),
      gatesToOnnx(spec.mode, f32(param(params, paramKey('bias', 'hh', stored, r)))),
    ]);
    B = b.floatInitializer(`B_l${stored}`, [D, 2 * G * H], concatDirections(rows));
  }
  let P = '';
  if (spec.peepholes) {
    P = b.floatInitializer(
      `P_l${stored}`,
      [D, 3 * H],
      concatDirections(dirs.map((r) => peepholesToOnnx(f32(param(params, paramKey('weight', 'ph', stored, r)))))),
    );
  }
  const inputs = [io.x, W, R, B, io.lens ?? '', io.h0 ?? ''];
  if (spec.mode === 'lstm') inputs.push(io.c0 ?? '', P);
  while (inputs.length > 3 && inputs[inputs.length - 1] === '') inputs.pop();
  const outs = b.op(recurrentOpType(spec), inputs, recurrentAttributes(spec), spec.mode === 'lstm' ? 3 : 2);
  const [Y, Yh, Yc] = outs as [string, string, string | undefined];
  // Y is [T, D, B, H]; the next layer (and the user) want [T, B, D*H].
  const y =
    D === 1
      ? b.op1('Squeeze', [Y, b.ints([1])])
      : b.op1('Reshape', [b.op1('Transpose', [Y], { perm: [0, 2, 1, 3] }), b.ints([0, 0, -1])]);
  return { y, h: Yh, c: Yc ?? null };
}
