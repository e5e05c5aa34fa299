import {
  type ForwardOptions,
  type RnnParams,
  type RnnState,
  type Tensor,
  paramLayout,
  tensor,
  zeros,
} from '@deeprnn/core';
import type { ForwardCase } from './recipe.js';

/** Ways a call is made wrong; each must raise the typed error named by {@link Corruption.code}. */
export const CORRUPTIONS = [
  'input-features',
  'input-rank-1',
  'input-rank-4',
  'input-no-steps',
  'input-nan-checked',
  'h0-layers',
  'h0-features',
  'h0-batch',
  'c0-wrong',
  'lengths-count',
  'lengths-too-long',
  'lengths-negative',
  'lengths-fraction',
  'param-missing',
  'param-extra',
  'param-shape',
  'param-nan',
] as const;

/** One of {@link CORRUPTIONS}. */
export type CorruptionKind = (typeof CORRUPTIONS)[number];

/** A broken call: where it must fail and with which error code. */
export interface Corruption {
  readonly stage: 'createModel' | 'forward';
  readonly code: 'E_SHAPE' | 'E_PARAMETER';
  readonly params: RnnParams;
  readonly input: Tensor;
  readonly initial: RnnState | undefined;
  readonly options: ForwardOptions;
}

function filled(shape: readonly number[], like: Tensor, value = 0.5): Tensor {
  const t = zeros(shape, like.dtype);
  t.data.fill(value);
  return t;
}

function reshaped(t: Tensor, shape: readonly number[]): Tensor {
  return tensor(t.data, shape);
}

function bump(shape: readonly number[], axis: number): number[] {
  const out = [...shape];
  out[axis] = out[axis]! + 1;
  return out;
}

function hState(c: ForwardCase): Tensor {
  return c.initial?.h ?? zeros(hiddenShapeOf(c), c.input.dtype);
}

function hiddenShapeOf(c: ForwardCase): number[] {
  const rows = c.spec.numLayers * (c.spec.bidirectional ? 2 : 1);
  const F = c.spec.projSize > 0 ? c.spec.projSize : c.spec.hiddenSize;
  return c.recipe.isUnbatched ? [rows, F] : [rows, c.recipe.B, F];
}

function withParams(params: RnnParams, edit: (out: Record<string, Tensor>, first: string) => void): RnnParams {
  const out: Record<string, Tensor> = { ...params };
  edit(out, Object.keys(params)[0]!);
  return out;
}

/** Applies one corruption to a valid case. */
export function corrupt(c: ForwardCase, kind: CorruptionKind): Corruption {
  const base = {
    params: c.params,
    input: c.input,
    initial: c.initial,
    options: c.lengths ? { lengths: c.lengths } : {},
  };
  const forward = (patch: Partial<Omit<Corruption, 'stage' | 'code'>>): Corruption => ({
    ...base,
    ...patch,
    stage: 'forward',
    code: 'E_SHAPE',
  });
  const create = (params: RnnParams): Corruption => ({ ...base, params, stage: 'createModel', code: 'E_PARAMETER' });
  const x = c.input;
  const last = x.shape.length - 1;
  const B = c.recipe.B;
  const T = c.recipe.T;
  switch (kind) {
    case 'input-features':
      return forward({ input: filled(bump(x.shape, last), x) });
    case 'input-rank-1':
      return forward({ input: reshaped(x, [x.data.length]) });
    case 'input-rank-4':
      return forward({ input: reshaped(x, [...new Array<number>(4 - x.shape.length).fill(1), ...x.shape]) });
    case 'input-no-steps': {
      const shape = [...x.shape];
      shape[!c.recipe.isUnbatched && c.spec.batchFirst ? 1 : 0] = 0;
      return forward({ input: zeros(shape, x.dtype) });
    }
    case 'input-nan-checked': {
      const data = x.data.slice();
      data[data.length - 1] = NaN;
      return forward({ input: tensor(data, x.shape), options: { ...base.options, checkFinite: true } });
    }
    case 'h0-layers':
      return forward({ initial: { h: filled(bump(hState(c).shape, 0), x) } });
    case 'h0-features': {
      const h = hState(c);
      return forward({ initial: { h: filled(bump(h.shape, h.shape.length - 1), x) } });
    }
    case 'h0-batch': {
      const h = hState(c);
      const shape = c.recipe.isUnbatched ? [h.shape[0]!, 1, h.shape[1]!] : bump(h.shape, 1);
      return forward({ initial: { h: filled(shape, x) } });
    }
    case 'c0-wrong': {
      const h = hState(c);
      // LSTM: a cell state with one feature too many; other modes: any cell state at all.
      const shape = c.spec.mode === 'lstm' ? [...h.shape.slice(0, -1), c.spec.hiddenSize + 1] : h.shape;
      return forward({ initial: { h, c: filled(shape, x) } });
    }
    case 'lengths-count':
      return forward({ options: { lengths: new Array<number>(B + 1).fill(T) } });
    case 'lengths-too-long':
      return forward({ options: { lengths: new Array<number>(B).fill(T).map((L, b) => (b === B - 1 ? T + 1 : L)) } });
    case 'lengths-negative':
      return forward({ options: { lengths: new Array<number>(B).fill(T).map((L, b) => (b === 0 ? -1 : L)) } });
    case 'lengths-fraction':
      return forward({ options: { lengths: new Array<number>(B).fill(T).map((L, b) => (b === 0 ? 0.5 : L)) } });
    case 'param-missing':
      return create(withParams(c.params, (p, first) => delete p[first]));
    case 'param-extra':
      return create(withParams(c.params, (p, first) => (p.weight_xx_l9 = p[first]!)));
    case 'param-shape':
      return create(withParams(c.params, (p, first) => (p[first] = filled(bump(p[first]!.shape, 0), x))));
    case 'param-nan': {
      const slot = paramLayout(c.spec)[0]!;
      return create(
        withParams(c.params, (p) => {
          const data = p[slot.name]!.data.slice();
          data[0] = NaN;
          p[slot.name] = tensor(data, slot.shape);
        }),
      );
    }
  }
}
