import fc from 'fast-check';
import type { DType, RnnConfig } from '@deeprnn/core';
import { SIZE_LIMITS } from './arbitrary-spec.js';
import type { CaseRecipe, CaseTypes, InitialKind, InputKind, ParamScale } from './recipe.js';

/** Narrows the calls a property draws (on top of its configs). */
export interface CallConstraints {
  /** Fewest time steps drawn (default 1). */
  readonly minT?: number;
  /** Fewest batch rows drawn (default 1); above 1, no unbatched inputs are drawn. */
  readonly minB?: number;
  /** Whether per-row lengths are drawn: never, sometimes (default) or always. */
  readonly lengths?: 'never' | 'maybe' | 'always';
  /** Whether 2-D unbatched inputs are drawn (default true). */
  readonly allowUnbatched?: boolean;
  /**
   * Only PyTorch-scale or tiny weights and normal or zero inputs: no saturation, where float32
   * derivatives (y(1 - y) with y rounded to 1) lose all relative accuracy.
   */
  readonly isGentle?: boolean;
}

const seedArbitrary = fc.integer({ min: 0, max: 0x7fffffff });

/** Lengths per row in [0, T], with 0 and T drawn often. */
export function lengthsArbitrary(T: number, B: number): fc.Arbitrary<number[]> {
  const one = fc.oneof(fc.constant(T), fc.constant(0), fc.integer({ min: 0, max: T }));
  return fc.array(one, { minLength: B, maxLength: B });
}

/**
 * One forward call for a config: parameters at a drawn scale, an input of drawn size and magnitude,
 * an initial state present or absent, and lengths per row.
 */
export function callArbitrary(
  config: RnnConfig,
  types: DType | CaseTypes,
  constraints: CallConstraints = {},
): fc.Arbitrary<CaseRecipe> {
  const { dtype, weightStorage } = typeof types === 'string' ? { dtype: types, weightStorage: undefined } : types;
  const minT = constraints.minT ?? 1;
  const minB = constraints.minB ?? 1;
  const allowUnbatched = (constraints.allowUnbatched ?? true) && minB <= 1;
  const lengthsMode = constraints.lengths ?? 'maybe';
  return fc
    .record({
      T: fc.integer({ min: minT, max: Math.max(minT, SIZE_LIMITS.T) }),
      B: fc.integer({ min: minB, max: Math.max(minB, SIZE_LIMITS.B) }),
      isUnbatched: allowUnbatched ? fc.boolean() : fc.constant(false),
      paramSeed: seedArbitrary,
      paramScale: constraints.isGentle
        ? fc.constantFrom<ParamScale>('pytorch', 'tiny')
        : fc.constantFrom<ParamScale>('pytorch', 'saturating', 'tiny'),
      inputSeed: seedArbitrary,
      inputKind: constraints.isGentle
        ? fc.constantFrom<InputKind>('normal', 'zeros')
        : fc.constantFrom<InputKind>('normal', 'large', 'zeros'),
      initial: fc.constantFrom<InitialKind>('none', 'h', 'hc'),
      withLengths: lengthsMode === 'maybe' ? fc.boolean() : fc.constant(lengthsMode === 'always'),
    })
    .chain((d) => {
      const B = d.isUnbatched ? 1 : d.B;
      const lengths = d.withLengths ? lengthsArbitrary(d.T, B) : fc.constant(null);
      return lengths.map((ls): CaseRecipe => ({
        config,
        dtype,
        ...(weightStorage ? { weightStorage } : {}),
        paramSeed: d.paramSeed,
        paramScale: d.paramScale,
        T: d.T,
        B,
        isUnbatched: d.isUnbatched,
        inputSeed: d.inputSeed,
        inputKind: d.inputKind,
        initial: d.initial === 'hc' && config.mode !== 'lstm' ? 'h' : d.initial,
        lengths: ls,
      }));
    });
}

/** A config arbitrary followed by a call for it. */
export function caseArbitrary(
  configs: fc.Arbitrary<RnnConfig>,
  types: DType | CaseTypes,
  constraints: CallConstraints = {},
): fc.Arbitrary<CaseRecipe> {
  return configs.chain((config) => callArbitrary(config, types, constraints));
}
