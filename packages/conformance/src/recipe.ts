import {
  type DType,
  type RnnConfig,
  type RnnParams,
  type RnnSpec,
  type RnnState,
  type Tensor,
  SeededRandom,
  cellStateShape,
  defineSpec,
  hiddenStateShape,
  initParams,
  roundParamsToFloat16,
  tensor,
} from '@deeprnn/core';

/** Parameter scales: PyTorch's init, three times that (gates saturate), and a thousandth of it. */
export const PARAM_SCALES: Readonly<Record<ParamScale, number>> = Object.freeze({
  pytorch: 1,
  saturating: 3,
  tiny: 1e-3,
});

/** How the parameters of a case are scaled: see {@link PARAM_SCALES}. */
export type ParamScale = 'pytorch' | 'saturating' | 'tiny';

/** Input magnitudes: standard normal values, normal values times 25, or all zeros. */
export type InputKind = 'normal' | 'large' | 'zeros';

/** Which initial state a case passes: none (zeros), h only, or h and c (LSTM). */
export type InitialKind = 'none' | 'h' | 'hc';

/**
 * What the values of a drawn case are: their dtype, and (for a backend that stores its weights in
 * float16, `capabilities.weightStorage`) parameters drawn already rounded to float16, so the oracle
 * and the backend compute with the same weights and the backend's declared tolerance measures its
 * arithmetic, not the rounding. A bare {@link DType} means `{ dtype }`.
 */
export interface CaseTypes {
  /** Element type of the parameters, input and initial state. */
  readonly dtype: DType;
  /** Draw the parameters rounded to float16 (the backend's `capabilities.weightStorage`). */
  readonly weightStorage?: 'float16';
}

/**
 * A small, printable description of one forward call: what fast-check draws and prints when a
 * property fails. {@link materialize} turns it into tensors; the same recipe always gives the same bits.
 */
export interface CaseRecipe {
  /** The RNN config; {@link materialize} validates it. */
  readonly config: RnnConfig;
  /** Element type of the parameters, input and initial state. */
  readonly dtype: DType;
  /** Parameters rounded to float16 after scaling (see {@link CaseTypes}); absent: not rounded. */
  readonly weightStorage?: 'float16';
  /** Seed of the parameters (PyTorch's init, as `initParams` draws it). */
  readonly paramSeed: number;
  /** Factor the parameters are scaled by (see {@link PARAM_SCALES}). */
  readonly paramScale: ParamScale;
  /** Time steps. */
  readonly T: number;
  /** Batch rows (1 when unbatched). */
  readonly B: number;
  /** The input is a 2-D `[T, I]` (and states `[L*D, Hout]`) instead of batched. */
  readonly isUnbatched: boolean;
  /** Seed of the input and initial state values. */
  readonly inputSeed: number;
  /** Magnitude of the input values. */
  readonly inputKind: InputKind;
  /** Which initial state is passed. */
  readonly initial: InitialKind;
  /** Per-row valid steps, or null for full sequences. */
  readonly lengths: readonly number[] | null;
}

/** A recipe turned into tensors, ready for `createModel` and `forward`. */
export interface ForwardCase {
  /** The recipe it was built from (what a failure prints). */
  readonly recipe: CaseRecipe;
  /** The validated config. */
  readonly spec: RnnSpec;
  /** The parameters, scaled per the recipe. */
  readonly params: RnnParams;
  /** `[T, B, I]` (`[B, T, I]` batchFirst, `[T, I]` unbatched), per `inputKind`. */
  readonly input: Tensor;
  /** Standard normal h0 (and c0 for `hc` on LSTM); undefined for zeros. */
  readonly initial: RnnState | undefined;
  /** Per-row valid steps; undefined for full sequences. */
  readonly lengths: readonly number[] | undefined;
}

function randomTensor(shape: readonly number[], dtype: DType, rng: SeededRandom, scale: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = scale * rng.normal();
  return tensor(data, shape);
}

/** The parameters of a recipe: PyTorch's seeded init, scaled. */
export function recipeParams(
  spec: RnnSpec,
  recipe: Pick<CaseRecipe, 'paramSeed' | 'paramScale' | 'dtype' | 'weightStorage'>,
): RnnParams {
  const scaled = scaleParams(initParams(spec, { seed: recipe.paramSeed, dtype: recipe.dtype }), recipe.paramScale);
  return recipe.weightStorage === 'float16' ? roundParamsToFloat16(scaled, 'conformance') : scaled;
}

function scaleParams(base: RnnParams, scale: ParamScale): RnnParams {
  const k = PARAM_SCALES[scale];
  if (k === 1) return base;
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(base)) {
    const data = t.data.slice();
    for (let i = 0; i < data.length; i++) data[i] = data[i]! * k;
    out[name] = tensor(data, t.shape);
  }
  return Object.freeze(out);
}

/**
 * Builds the tensors of a recipe.
 *
 * @throws {@link @deeprnn/core!ConfigError | ConfigError} when the recipe's config is invalid (never for drawn
 *   recipes).
 */
export function materialize(recipe: CaseRecipe): ForwardCase {
  const spec = defineSpec(recipe.config);
  const params = recipeParams(spec, recipe);
  const rng = new SeededRandom(recipe.inputSeed);
  const { T, B, isUnbatched, dtype } = recipe;
  const I = spec.inputSize;
  const shape = isUnbatched ? [T, I] : spec.batchFirst ? [B, T, I] : [T, B, I];
  const scale = recipe.inputKind === 'zeros' ? 0 : recipe.inputKind === 'large' ? 25 : 1;
  const input = randomTensor(shape, dtype, rng, scale);
  const call = { T, B, isUnbatched };
  let initial: RnnState | undefined;
  if (recipe.initial !== 'none') {
    const h = randomTensor(hiddenStateShape(spec, call), dtype, rng, 1);
    initial =
      recipe.initial === 'hc' && spec.mode === 'lstm'
        ? { h, c: randomTensor(cellStateShape(spec, call), dtype, rng, 1) }
        : { h };
  }
  return { recipe, spec, params, input, initial, lengths: recipe.lengths ?? undefined };
}
