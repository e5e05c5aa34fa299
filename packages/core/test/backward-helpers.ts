import {
  type ForwardOptions,
  type GradOutput,
  type ParamGrads,
  type RnnConfig,
  type RnnParams,
  type RnnSpec,
  type RnnState,
  type Tensor,
  cellStateShape,
  createReferenceBackend,
  defineSpec,
  hiddenStateShape,
  initParams,
  outputShape,
  tensor,
} from '../src/index.js';
import { randomTensor } from './helpers.js';

/** A gradient-check case: everything a forward call and its upstream gradient need, in float64. */
export interface GradCase {
  readonly spec: RnnSpec;
  readonly params: RnnParams;
  readonly input: Tensor;
  readonly initial: RnnState | undefined;
  readonly gradOutput: GradOutput;
  readonly options: ForwardOptions;
}

/** Builds a random float64 case for a config: T steps, B rows (B = 0 means unbatched). */
export function makeCase(
  config: RnnConfig,
  {
    T = 3,
    B = 2,
    seed = 1,
    withH0 = true,
    withC0 = true,
    options = {},
  }: {
    T?: number;
    B?: number;
    seed?: number;
    withH0?: boolean;
    withC0?: boolean;
    options?: ForwardOptions;
  } = {},
): GradCase {
  const spec = defineSpec(config);
  const params = initParams(spec, { seed, dtype: 'float64' });
  const isUnbatched = B === 0;
  const call = { T, B: isUnbatched ? 1 : B, isUnbatched };
  const inShape = isUnbatched ? [T, spec.inputSize] : spec.batchFirst ? [B, T, spec.inputSize] : [T, B, spec.inputSize];
  const input = randomTensor(inShape, seed * 7 + 1);
  const h = withH0 ? randomTensor(hiddenStateShape(spec, call), seed * 7 + 2, 0.5) : undefined;
  const c =
    spec.mode === 'lstm' && withC0 && h ? randomTensor(cellStateShape(spec, call), seed * 7 + 3, 0.5) : undefined;
  const initial = h ? (c ? { h, c } : { h }) : undefined;
  const gOut = randomTensor(outputShape(spec, call), seed * 7 + 4);
  const gH = randomTensor(hiddenStateShape(spec, call), seed * 7 + 5);
  const gradOutput: GradOutput =
    spec.mode === 'lstm'
      ? { output: gOut, h: gH, c: randomTensor(cellStateShape(spec, call), seed * 7 + 6) }
      : { output: gOut, h: gH };
  return { spec, params, input, initial, gradOutput, options };
}

function dot(a: Tensor, b: Tensor | undefined): number {
  if (!b) return 0;
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i]! * b.data[i]!;
  return s;
}

/** L = sum(output ⊙ gOut) + sum(hN ⊙ gH) + sum(cN ⊙ gC) on the float64 reference. */
export async function lossOf(
  c: GradCase,
  params: RnnParams,
  input: Tensor,
  initial: RnnState | undefined,
): Promise<number> {
  const model = await createReferenceBackend({ dtype: 'float64' }).createModel(c.spec, params);
  const { output, state } = await model.forward(input, initial, c.options);
  let L = dot(output, c.gradOutput.output) + dot(state.h, c.gradOutput.h);
  if (state.c) L += dot(state.c, c.gradOutput.c);
  return L;
}

/** The reference's analytic gradients of a case. */
export async function analytic(c: GradCase, dtype: 'float32' | 'float64' = 'float64'): Promise<ParamGrads> {
  const model = await createReferenceBackend({ dtype }).createModel(c.spec, c.params);
  if (!model.gradients) throw new Error('reference model has no gradients');
  return model.gradients(c.input, c.initial, c.gradOutput, c.options);
}

function replaced(t: Tensor, i: number, v: number): Tensor {
  const d = Float64Array.from(t.data);
  d[i] = v;
  return tensor(d, t.shape);
}

/** Which element of which tensor a finite difference perturbs. */
type Target = { kind: 'param'; name: string } | { kind: 'input' } | { kind: 'h0' } | { kind: 'c0' };

/**
 * Central finite differences of the loss for every element of a tensor (at most `limit` of them,
 * spread evenly), compared with the analytic gradient. Returns the worst |fd - an| / (1e-6 + 1e-5|fd|).
 */
export async function worstFdRatio(
  c: GradCase,
  grads: ParamGrads,
  target: Target,
  limit = 40,
  eps = 1e-6,
): Promise<{ ratio: number; where: string }> {
  const base =
    target.kind === 'param'
      ? c.params[target.name]!
      : target.kind === 'input'
        ? c.input
        : target.kind === 'h0'
          ? c.initial!.h
          : c.initial!.c!;
  const an =
    target.kind === 'param'
      ? grads.params[target.name]!
      : target.kind === 'input'
        ? grads.input
        : target.kind === 'h0'
          ? grads.initial.h
          : grads.initial.c!;
  const n = base.data.length;
  const stride = Math.max(1, Math.floor(n / limit));
  let worst = { ratio: 0, where: '' };
  for (let i = 0; i < n; i += stride) {
    const at = async (v: number): Promise<number> => {
      const t = replaced(base, i, v);
      if (target.kind === 'param') return lossOf(c, { ...c.params, [target.name]: t }, c.input, c.initial);
      if (target.kind === 'input') return lossOf(c, c.params, t, c.initial);
      if (target.kind === 'h0')
        return lossOf(c, c.params, c.input, c.initial!.c ? { h: t, c: c.initial!.c } : { h: t });
      return lossOf(c, c.params, c.input, { h: c.initial!.h, c: t });
    };
    const x = base.data[i]!;
    const fd = ((await at(x + eps)) - (await at(x - eps))) / (2 * eps);
    const got = an.data[i]!;
    const ratio = Number.isFinite(got) ? Math.abs(fd - got) / (1e-6 + 1e-5 * Math.abs(fd)) : Infinity;
    if (ratio > worst.ratio)
      worst = {
        ratio,
        where: `${target.kind === 'param' ? target.name : target.kind}[${i}]: analytic ${got}, fd ${fd}`,
      };
  }
  return worst;
}

/** Every target of a case: all parameters, the input, and h0/c0 when given. */
export function targetsOf(c: GradCase): Target[] {
  const out: Target[] = Object.keys(c.params).map((name) => ({ kind: 'param', name }));
  out.push({ kind: 'input' });
  if (c.initial) out.push({ kind: 'h0' });
  if (c.initial?.c) out.push({ kind: 'c0' });
  return out;
}
