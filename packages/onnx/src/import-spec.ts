import {
  type Activation,
  FormatError,
  type RnnParams,
  type RnnSpec,
  type Tensor,
  UnsupportedError,
  defineSpec,
  gateCount,
  paramKey,
  tensor,
} from '@deeprnn/core';
import { gatesFromOnnx, peepholesFromOnnx } from './gate-order.js';
import type { StackGraph } from './import-graph.js';
import { type NodeWeight, type StackLayer, hiddenOf } from './stack-walk.js';

function sameActivations(a: readonly Activation[], b: readonly Activation[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.name === b[i]?.name && x.alpha === b[i]?.alpha && x.beta === b[i]?.beta)
  );
}

function checkDims(layer: StackLayer, w: NodeWeight | null, want: readonly number[], what: string): void {
  if (w === null) return;
  const got = w.tensor.dims;
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new FormatError(
      `import: node ${layer.where}: ${what} '${w.name}' has shape [${got.join(', ')}], expected [${want.join(', ')}]`,
    );
  }
}

function row(w: NodeWeight, d: number, from: number, to: number): Float32Array | Float64Array {
  const data = w.tensor.data;
  const per = data.length / (w.tensor.dims[0] as number);
  return data.slice(d * per + from, d * per + to);
}

/**
 * Turns the recognised stack into a spec and PyTorch-named parameters (gates back in deeprnn order,
 * ONNX's `B` split into `bias_ih`/`bias_hh`). Layers whose W, R, B and P are the very same values
 * as layer 1's make a tied stack.
 *
 * @throws {@link UnsupportedError} when layers disagree on attributes the spec shares.
 * @throws {@link FormatError} when weight shapes do not fit.
 */
export function stackToSpec(g: StackGraph): { spec: RnnSpec; params: RnnParams } {
  const first = g.layers[0] as StackLayer;
  const a = first.attrs;
  for (const layer of g.layers.slice(1)) {
    const b = layer.attrs;
    const same =
      b.mode === a.mode &&
      b.bidirectional === a.bidirectional &&
      b.clip === a.clip &&
      b.inputForget === a.inputForget &&
      b.linearBeforeReset === a.linearBeforeReset &&
      sameActivations(b.activations, a.activations) &&
      sameActivations(b.reverseActivations, a.reverseActivations) &&
      hiddenOf(layer) === hiddenOf(first);
    if (!same)
      throw new UnsupportedError(
        `import: node ${layer.where} does not fit a stacked RNN: its attributes differ from layer 0's (${first.where})`,
      );
  }
  const L = g.layers.length;
  const D = a.bidirectional ? 2 : 1;
  const H = hiddenOf(first);
  const G = gateCount(a.mode);
  const inputSize = first.W.tensor.dims[2];
  if (inputSize === undefined || first.W.tensor.dims.length !== 3)
    throw new FormatError(`import: node ${first.where}: W must be [D, G*H, I]`);
  const bias = g.layers.some((l) => l.B !== null);
  const peepholes = g.layers.some((l) => l.P !== null);
  const tied =
    L >= 3 &&
    g.layers.slice(2).every((l) => {
      const one = g.layers[1] as StackLayer;
      return (
        l.W.name === one.W.name && l.R.name === one.R.name && l.B?.name === one.B?.name && l.P?.name === one.P?.name
      );
    });
  const spec = defineSpec({
    mode: a.mode,
    inputSize,
    hiddenSize: H,
    numLayers: L,
    bias,
    batchFirst: g.batchFirst,
    bidirectional: a.bidirectional,
    activations: a.activations,
    ...(a.bidirectional ? { reverseActivations: a.reverseActivations } : {}),
    clip: a.clip,
    peepholes,
    inputForget: a.inputForget,
    linearBeforeReset: a.linearBeforeReset,
    tiedLayers: tied,
  });
  const params: Record<string, Tensor> = {};
  const stored = tied ? 2 : L;
  for (let k = 0; k < stored; k++) {
    const layer = g.layers[k] as StackLayer;
    const F = k === 0 ? inputSize : D * H;
    checkDims(layer, layer.W, [D, G * H, F], 'W');
    checkDims(layer, layer.R, [D, G * H, H], 'R');
    checkDims(layer, layer.B, [D, 2 * G * H], 'B');
    checkDims(layer, layer.P, [D, 3 * H], 'P');
    for (let d = 0; d < D; d++) {
      const r = d === 1;
      const zeros = (n: number): Float32Array => new Float32Array(n);
      params[paramKey('weight', 'ih', k, r)] = tensor(gatesFromOnnx(a.mode, row(layer.W, d, 0, G * H * F)), [G * H, F]);
      params[paramKey('weight', 'hh', k, r)] = tensor(gatesFromOnnx(a.mode, row(layer.R, d, 0, G * H * H)), [G * H, H]);
      if (bias) {
        params[paramKey('bias', 'ih', k, r)] = tensor(
          layer.B ? gatesFromOnnx(a.mode, row(layer.B, d, 0, G * H)) : zeros(G * H),
          [G * H],
        );
        params[paramKey('bias', 'hh', k, r)] = tensor(
          layer.B ? gatesFromOnnx(a.mode, row(layer.B, d, G * H, 2 * G * H)) : zeros(G * H),
          [G * H],
        );
      }
      if (peepholes)
        params[paramKey('weight', 'ph', k, r)] = tensor(
          layer.P ? peepholesFromOnnx(row(layer.P, d, 0, 3 * H)) : zeros(3 * H),
          [3 * H],
        );
    }
  }
  return { spec, params: Object.freeze(params) };
}
