import type { Activation } from '@deeprnn/core';
import { type LayerConfig, activationField, refuse } from './config-fields.js';

/**
 * Keras' hard_sigmoid differs by version: `clip(0.2x + 0.5)` in Keras 2 and tfjs-layers,
 * `relu6(x + 3) / 6 = clip(x/6 + 0.5)` in Keras 3. Both are ONNX HardSigmoid with another alpha.
 */
export function hardSigmoidAlpha(kerasVersion: string | null): number {
  return kerasVersion !== null && /^3\./.test(kerasVersion) ? 1 / 6 : 0.2;
}

/** SELU's constants as Keras and tfjs-layers write them (ONNX's Selu defaults are their float32 roundings). */
const SELU = { alpha: 1.6732632423543772, beta: 1.0507009873554805 } as const;

/**
 * A recurrent layer's activation field as a deeprnn (ONNX) activation.
 *
 * @throws {@link UnsupportedError} naming the layer and field for activations ONNX's RNN operators lack.
 */
export function recurrentActivation(
  layer: LayerConfig,
  field: string,
  fallback: string,
  kerasVersion: string | null,
): Activation {
  const name = activationField(layer, field, fallback);
  switch (name) {
    case 'tanh':
      return { name: 'Tanh' };
    case 'sigmoid':
      return { name: 'Sigmoid' };
    case 'relu':
      return { name: 'Relu' };
    case 'linear':
      return { name: 'Affine', alpha: 1, beta: 0 };
    case 'hard_sigmoid':
      return { name: 'HardSigmoid', alpha: hardSigmoidAlpha(kerasVersion), beta: 0.5 };
    case 'elu':
      return { name: 'Elu', alpha: 1 };
    case 'softsign':
      return { name: 'Softsign' };
    case 'softplus':
      return { name: 'Softplus' };
    case 'selu':
      return { name: 'Selu', ...SELU };
    default:
      return refuse(
        layer,
        field,
        `activation '${name}' has no deeprnn equivalent (tanh, sigmoid, relu, linear, hard_sigmoid, elu, softsign, softplus, selu)`,
      );
  }
}

/** The Keras name of a deeprnn activation, or null when Keras has none (for export). */
export function kerasActivationName(a: Activation, kerasVersion: string | null): string | null {
  switch (a.name) {
    case 'Tanh':
      return 'tanh';
    case 'Sigmoid':
      return 'sigmoid';
    case 'Relu':
      return 'relu';
    case 'Affine':
      return a.alpha === 1 && a.beta === 0 ? 'linear' : null;
    case 'HardSigmoid':
      return a.alpha === hardSigmoidAlpha(kerasVersion) && a.beta === 0.5 ? 'hard_sigmoid' : null;
    case 'Elu':
      return a.alpha === 1 ? 'elu' : null;
    case 'Softsign':
      return 'softsign';
    case 'Softplus':
      return 'softplus';
    case 'Selu':
      // Equal in float32 to SELU's constants: Keras' selu (ONNX's defaults are those roundings).
      return Math.fround(a.alpha ?? 0) === Math.fround(SELU.alpha) &&
        Math.fround(a.beta ?? 0) === Math.fround(SELU.beta)
        ? 'selu'
        : null;
    default:
      return null;
  }
}
