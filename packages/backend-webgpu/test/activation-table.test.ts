// The activation table without an adapter: which activations the training kernels can differentiate
// from their output alone (at, below and above each parameter boundary), and what the WGSL says.
import { ACTIVATION_NAMES, type Activation, defineSpec, normalizeActivation } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { activationExpr, derivativeFromOutput } from '../src/kernels/activation-table.js';
import { trainingUnsupportedReason } from '../src/train/trainable.js';

const LIMIT = 16384;
const rnnWith = (a: Activation) => defineSpec({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3, activations: [a] });

describe('activation table', () => {
  it.each(ACTIVATION_NAMES.map((n) => [n]))('%s has a value in both types and, at its defaults, a slope', (name) => {
    const a = normalizeActivation({ name }, 'test');
    expect(activationExpr(a, 'x')).toContain('x');
    expect(
      activationExpr(a, 'x', { type: 'f32', tanh: 't', sigmoid: 's', softplus: 'p', hardSigmoid: null }),
    ).not.toContain('VT');
    expect(derivativeFromOutput(a, 'y')).not.toBeNull();
  });

  it.each([
    // [activation, trainable]: the boundaries of "the output determines the slope".
    [{ name: 'Selu', alpha: 0, beta: 1 }, true],
    [{ name: 'Selu', alpha: -0.1, beta: 1 }, false],
    [{ name: 'Selu', alpha: 1, beta: 1e-3 }, true],
    [{ name: 'Selu', alpha: 1, beta: 0 }, false],
    [{ name: 'Selu', alpha: 1, beta: -1 }, false],
    [{ name: 'Elu', alpha: 1e-3 }, true],
    [{ name: 'Elu', alpha: 0 }, false],
    [{ name: 'LeakyRelu', alpha: 1e-3 }, true],
    [{ name: 'LeakyRelu', alpha: 0 }, false],
    [{ name: 'ScaledTanh', alpha: 0, beta: 1 }, false],
  ] as const)('%o trains: %s', (a, trainable) => {
    const reason = trainingUnsupportedReason(rnnWith(a), LIMIT);
    if (trainable) expect(reason).toBeNull();
    else expect(reason).toMatch(new RegExp(`training with ${a.name} alpha ${a.alpha}.*slope does not follow`));
  });

  it("Selu's refusal names gamma (beta) when that is what breaks it", () => {
    expect(trainingUnsupportedReason(rnnWith({ name: 'Selu', alpha: 1, beta: 0 }), LIMIT)).toMatch(
      /Selu alpha 1 beta 0 is not implemented/,
    );
  });

  it('Selu is gamma * (x unless x <= 0, else alpha (e^x - 1)), its slope y + alpha gamma below 0 and gamma above', () => {
    const a = { name: 'Selu', alpha: 2, beta: 0.5 } as const;
    expect(activationExpr(a, 'x')).toBe('(VT(0.5) * select(x, VT(2.0) * (exp(x) - VT(1.0)), x <= VT(0.0)))');
    expect(derivativeFromOutput(a, 'y')).toBe('select(y + (1.0), (0.5), y > 0.0)');
  });
});
