import fc from 'fast-check';
import {
  ACTIVATION_NAMES,
  type Activation,
  type ActivationName,
  type RnnConfig,
  type RnnMode,
  type RnnSpec,
  activationCount,
  defineSpec,
} from '@deeprnn/core';

/** Limits on the sizes drawn; small, so that hundreds of runs take seconds. */
export const SIZE_LIMITS: Readonly<Record<'inputSize' | 'hiddenSize' | 'numLayers' | 'T' | 'B', number>> =
  Object.freeze({
    inputSize: 5,
    hiddenSize: 6,
    numLayers: 5,
    T: 6,
    B: 4,
  });

/** Narrows the configs a property draws. Options left out are drawn freely. */
export interface SpecConstraints {
  /** Cells to draw from (default all four). */
  readonly modes?: readonly RnnMode[];
  /** Fewest stacked layers (default 1). */
  readonly minLayers?: number;
  /** Most stacked layers (default {@link SIZE_LIMITS}.numLayers). */
  readonly maxLayers?: number;
  /** Fixes bidirectional to this value; drawn when absent. */
  readonly bidirectional?: boolean;
  /** Fixes tiedLayers to this value; drawn when absent. */
  readonly tiedLayers?: boolean;
  /**
   * Only activations with a continuous derivative and no clip, for gradient checks: at a kink
   * (Relu at 0, a clip bound) float32 and float64 may take different sides and both be right.
   */
  readonly isSmooth?: boolean;
}

/** Activations whose derivative is continuous (Elu and Selu only with alpha 1). */
const SMOOTH_ACTIVATIONS: readonly ActivationName[] = [
  'Tanh',
  'Sigmoid',
  'Affine',
  'ScaledTanh',
  'Softsign',
  'Softplus',
  'Elu',
  'Selu',
];

// Parameter values per activation. Slopes stay at most 1: a steeper activation makes the recurrence
// amplify rounding step after step, and float32 then drifts from float64 by more than any fixed
// tolerance, which would test the draw rather than the backend.
const ALPHAS: Readonly<Partial<Record<ActivationName, readonly number[]>>> = {
  Affine: [1, 0.5, -0.75],
  LeakyRelu: [0.01, 0.2, 0.5],
  // Thresholds away from the values gates land on exactly (0.25 = 0.5 * 0.5 with tiny weights, 1 when
  // a sigmoid saturates): there float32 and float64 may fall on different sides, both correctly rounded.
  ThresholdedRelu: [0.3, 0.7, 1.3],
  ScaledTanh: [1, 0.5, 0.8],
  HardSigmoid: [0.2, 0.1, 0.5],
  Elu: [1, 0.3],
  // ONNX's default (SELU's constants: slope up to alpha * gamma = 1.76 just below 0) and tamer ones.
  Selu: [1.67326319217681884765625, 1, 0.5],
};
const BETAS: Readonly<Partial<Record<ActivationName, readonly number[]>>> = {
  Affine: [0, 0.5, -1],
  ScaledTanh: [1, 0.5],
  HardSigmoid: [0.5, 0.3, 0.6],
  Selu: [1.05070102214813232421875, 0.5],
};

/**
 * Any ONNX activation with alpha/beta drawn from values that stay numerically tame.
 *
 * @param isSmooth - only activations with a continuous derivative.
 */
export function activationArbitrary(isSmooth = false): fc.Arbitrary<Activation> {
  const names = isSmooth ? SMOOTH_ACTIVATIONS : ACTIVATION_NAMES;
  return fc.constantFrom(...names).chain((name) => {
    const alphas = isSmooth && (name === 'Elu' || name === 'Selu') ? [1] : ALPHAS[name];
    const betas = BETAS[name];
    return fc
      .record({
        alpha: alphas ? fc.constantFrom(...alphas) : fc.constant(undefined),
        beta: betas ? fc.constantFrom(...betas) : fc.constant(undefined),
      })
      .map(({ alpha, beta }): Activation => ({
        name,
        ...(alpha !== undefined ? { alpha } : {}),
        ...(beta !== undefined ? { beta } : {}),
      }));
  });
}

/** `arb` one time in `oneIn`, else null (the default); shrinks to null. */
function sometimes<T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: fc.constant(null), weight: oneIn - 1 }, { arbitrary: arb, weight: 1 });
}

function activationTriple(isSmooth: boolean): fc.Arbitrary<[Activation, Activation, Activation]> {
  return fc.tuple(activationArbitrary(isSmooth), activationArbitrary(isSmooth), activationArbitrary(isSmooth));
}

/**
 * Every option of DESIGN.md, drawn as a config (printable, what a failure shows). Shrinks towards a
 * one-layer, default-option, size-1 config. Dropout is always 0: conformance runs inference.
 */
export function anyConfigArbitrary(constraints: SpecConstraints = {}): fc.Arbitrary<RnnConfig> {
  const modes = constraints.modes ?? ['rnn_tanh', 'rnn_relu', 'gru', 'lstm'];
  return fc
    .record({
      mode: fc.constantFrom(...modes),
      inputSize: fc.integer({ min: 1, max: SIZE_LIMITS.inputSize }),
      hiddenSize: fc.integer({ min: 1, max: SIZE_LIMITS.hiddenSize }),
      numLayers: fc.integer({ min: constraints.minLayers ?? 1, max: constraints.maxLayers ?? SIZE_LIMITS.numLayers }),
      bias: fc.boolean().map((noBias) => !noBias),
      batchFirst: fc.boolean(),
      bidirectional: constraints.bidirectional === undefined ? fc.boolean() : fc.constant(constraints.bidirectional),
      projSize: fc.integer({ min: 0, max: SIZE_LIMITS.hiddenSize - 1 }),
      activations: sometimes(activationTriple(constraints.isSmooth ?? false), 3),
      reverseActivations: sometimes(activationTriple(constraints.isSmooth ?? false), 2),
      clip: constraints.isSmooth ? fc.constant(null) : sometimes(fc.constantFrom(1, 0.5, 3, 20), 3),
      peepholes: fc.boolean(),
      inputForget: fc.boolean(),
      resetBeforeLinear: fc.boolean(),
      tiedLayers: constraints.tiedLayers === undefined ? fc.boolean() : fc.constant(constraints.tiedLayers),
    })
    .map((d): RnnConfig => {
      const isLstm = d.mode === 'lstm';
      const n = activationCount(d.mode);
      const acts = d.activations?.slice(0, n);
      const revActs = d.bidirectional ? d.reverseActivations?.slice(0, n) : undefined;
      return {
        mode: d.mode,
        inputSize: d.inputSize,
        hiddenSize: d.hiddenSize,
        numLayers: d.numLayers,
        bias: d.bias,
        batchFirst: d.batchFirst,
        bidirectional: d.bidirectional,
        projSize: isLstm && d.projSize < d.hiddenSize ? d.projSize : 0,
        ...(acts ? { activations: acts } : {}),
        ...(revActs ? { reverseActivations: revActs } : {}),
        ...(d.clip !== null ? { clip: d.clip } : {}),
        ...(isLstm && d.peepholes ? { peepholes: true } : {}),
        ...(isLstm && d.inputForget ? { inputForget: true } : {}),
        ...(d.mode === 'gru' && d.resetBeforeLinear ? { linearBeforeReset: false } : {}),
        ...(d.tiedLayers ? { tiedLayers: true } : {}),
      };
    });
}

/**
 * Configs a backend can run: modes from its capabilities, then only specs its `unsupported` accepts,
 * so no option it lacks is ever drawn.
 *
 * @param supports - true when the backend runs this spec.
 */
export function configArbitrary(
  modes: readonly RnnMode[],
  supports: (spec: RnnSpec) => boolean,
  constraints: SpecConstraints = {},
): fc.Arbitrary<RnnConfig> {
  const allowed = constraints.modes ? constraints.modes.filter((m) => modes.includes(m)) : modes;
  // fast-check's filter redraws forever when nothing passes (a backend that supports no spec it is
  // asked for): count rejections in a row and stop with a message instead of hanging the suite.
  let rejectedInARow = 0;
  return anyConfigArbitrary({ ...constraints, modes: allowed }).filter((config) => {
    if (supports(defineSpec(config))) {
      rejectedInARow = 0;
      return true;
    }
    rejectedInARow++;
    if (rejectedInARow >= MAX_REJECTED_CONFIGS) {
      rejectedInARow = 0;
      throw new Error(
        `no config the backend supports in ${MAX_REJECTED_CONFIGS} draws in a row (modes: ${allowed.join(', ') || 'none'})`,
      );
    }
    return false;
  });
}

/** How many drawn configs in a row a backend may refuse before {@link configArbitrary} gives up. */
export const MAX_REJECTED_CONFIGS: number = 2000;
