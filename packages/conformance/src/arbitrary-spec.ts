import fc from 'fast-check';
import {
  ACTIVATION_NAMES, type Activation, type ActivationName, type RnnConfig, type RnnMode, type RnnSpec, activationCount, defineSpec,
} from '@deeprnn/core';

/** Limits on the sizes drawn; small, so that hundreds of runs take seconds. */
export const SIZE_LIMITS = Object.freeze({ inputSize: 5, hiddenSize: 6, numLayers: 5, T: 6, B: 4 });

/** Narrows the configs a property draws. Options left out are drawn freely. */
export interface SpecConstraints {
  readonly modes?: readonly RnnMode[];
  readonly minLayers?: number;
  readonly maxLayers?: number;
  readonly bidirectional?: boolean;
  readonly tiedLayers?: boolean;
}

// Parameter values per activation, kept where float32 and float64 stay within tolerance of each other
// over a few steps (a steep Affine would amplify rounding like any unstable recurrence).
const ALPHAS: Readonly<Partial<Record<ActivationName, readonly number[]>>> = {
  Affine: [1, 0.5, -0.75, 1.25],
  LeakyRelu: [0.01, 0.2, 0.5],
  ThresholdedRelu: [1, 0.25, 0.7],
  ScaledTanh: [1, 0.5, 1.7],
  HardSigmoid: [0.2, 0.1, 0.5],
  Elu: [1, 0.3, 1.5],
};
const BETAS: Readonly<Partial<Record<ActivationName, readonly number[]>>> = {
  Affine: [0, 0.5, -1],
  ScaledTanh: [1, 0.5, 2],
  HardSigmoid: [0.5, 0.3, 0.6],
};

/** Any ONNX activation with alpha/beta drawn from values that stay numerically tame. */
export function activationArbitrary(): fc.Arbitrary<Activation> {
  return fc.constantFrom(...ACTIVATION_NAMES).chain((name) => {
    const alphas = ALPHAS[name];
    const betas = BETAS[name];
    return fc.record({
      alpha: alphas ? fc.constantFrom(...alphas) : fc.constant(undefined),
      beta: betas ? fc.constantFrom(...betas) : fc.constant(undefined),
    }).map(({ alpha, beta }): Activation => ({
      name,
      ...(alpha !== undefined ? { alpha } : {}),
      ...(beta !== undefined ? { beta } : {}),
    }));
  });
}

const activationTriple = fc.tuple(activationArbitrary(), activationArbitrary(), activationArbitrary());

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
      activations: fc.option(activationTriple, { freq: 3, nil: null }),
      reverseActivations: fc.option(activationTriple, { freq: 2, nil: null }),
      clip: fc.option(fc.constantFrom(1, 0.5, 3, 20), { freq: 3, nil: null }),
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
  return anyConfigArbitrary({ ...constraints, modes: allowed }).filter((config) => supports(defineSpec(config)));
}
