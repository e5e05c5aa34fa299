import {
  type Activation,
  type ActivationName,
  FormatError,
  RECURRENT_OPERATOR_ACTIVATIONS,
  type RnnMode,
  UnsupportedError,
  activationCount,
  normalizeActivation,
  usesAlpha,
  usesBeta,
} from '@deeprnn/core';
import { floatAttr, floatsAttr, intAttr, stringAttr, stringsAttr } from './constant-values.js';
import type { NodeProto } from './proto.js';

/** What one RNN/GRU/LSTM node says about its layer (weights are read separately). */
export interface RecurrentAttributes {
  readonly mode: RnnMode;
  readonly hiddenSize: number;
  readonly bidirectional: boolean;
  /** ONNX `direction = reverse`: one direction that runs from the last step to the first. */
  readonly isReverseOnly: boolean;
  readonly activations: readonly Activation[];
  readonly reverseActivations: readonly Activation[];
  readonly clip: number | null;
  readonly inputForget: boolean;
  readonly linearBeforeReset: boolean;
  /** ONNX `layout`: 1 means batch-major X, Y and states. */
  readonly layout: 0 | 1;
}

const ONNX_DEFAULT_ACTIVATIONS: Readonly<Record<'RNN' | 'GRU' | 'LSTM', readonly ActivationName[]>> = {
  RNN: ['Tanh'],
  GRU: ['Sigmoid', 'Tanh'],
  LSTM: ['Sigmoid', 'Tanh', 'Tanh'],
};

const KNOWN_ATTRIBUTES = new Set([
  'hidden_size',
  'direction',
  'activations',
  'activation_alpha',
  'activation_beta',
  'clip',
  'input_forget',
  'linear_before_reset',
  'layout',
  'output_sequence',
]);

function canonicalName(name: string, where: string): ActivationName {
  // ONNX Runtime matches activation names case-insensitively; so do we.
  const hit = RECURRENT_OPERATOR_ACTIVATIONS.find((n) => n.toLowerCase() === name.toLowerCase());
  if (hit === undefined)
    throw new UnsupportedError(
      `${where}: activation '${name}' is not one of ${RECURRENT_OPERATOR_ACTIVATIONS.join(', ')}`,
    );
  return hit;
}

/**
 * Reads the attributes of an RNN/GRU/LSTM node.
 *
 * @remarks
 * `activation_alpha`/`activation_beta` are consumed the way ONNX Runtime does: in activation order
 * (forward, then reverse), one value per activation that reads alpha (or beta); an activation whose
 * value is missing from the list takes its ONNX default.
 * @throws {@link UnsupportedError} for an unknown activation or attribute.
 * @throws {@link FormatError} for malformed attributes.
 */
export function readRecurrentAttributes(node: NodeProto, where: string): RecurrentAttributes {
  const op = node.opType as 'RNN' | 'GRU' | 'LSTM';
  for (const a of node.attribute ?? []) {
    if (!KNOWN_ATTRIBUTES.has(a.name ?? ''))
      throw new UnsupportedError(`${where}: unknown ${op} attribute '${String(a.name)}'`);
  }
  const direction = stringAttr(node, 'direction', 'forward');
  if (direction !== 'forward' && direction !== 'bidirectional' && direction !== 'reverse')
    throw new FormatError(`${where}: unknown direction '${direction}'`);
  const bidirectional = direction === 'bidirectional';
  // The ONNX spec lists hidden_size as optional, but ONNX Runtime's RNN/GRU/LSTM kernels refuse a node
  // without it (deep_cpu_gru.h: `info.GetAttr("hidden_size") ... && value > 0`); so do we, rather than
  // read a model ONNX Runtime cannot run.
  const hs = intAttr(node, 'hidden_size', -1, where);
  if (hs === -1 && !(node.attribute ?? []).some((a) => a.name === 'hidden_size')) {
    throw new FormatError(
      `import: node ${where}: attribute hidden_size is missing (ONNX Runtime requires it on ${op} nodes)`,
    );
  }
  if (hs < 1 || hs > 1 << 16)
    throw new FormatError(`import: node ${where}: attribute hidden_size must be an integer in [1, 65536], got ${hs}`);
  const layout = intAttr(node, 'layout', 0, where);
  if (layout !== 0 && layout !== 1) throw new FormatError(`${where}: layout must be 0 or 1, got ${layout}`);
  const baseMode: RnnMode = op === 'GRU' ? 'gru' : op === 'LSTM' ? 'lstm' : 'rnn_tanh';
  const count = activationCount(baseMode);
  const names = (stringsAttr(node, 'activations') ?? []).map((n) => canonicalName(n, where));
  let fwd: ActivationName[];
  let rev: ActivationName[];
  if (names.length === 0) {
    fwd = [...ONNX_DEFAULT_ACTIVATIONS[op]];
    rev = [...fwd];
  } else if (names.length === count * (bidirectional ? 2 : 1)) {
    fwd = names.slice(0, count);
    rev = bidirectional ? names.slice(count) : [...fwd];
  } else if (bidirectional && names.length === count) {
    fwd = names;
    rev = [...names];
  } else {
    throw new FormatError(
      `${where}: ${op} ${direction} needs ${count * (bidirectional ? 2 : 1)} activations, got ${names.length}`,
    );
  }
  const alphas = floatsAttr(node, 'activation_alpha') ?? [];
  const betas = floatsAttr(node, 'activation_beta') ?? [];
  let ai = 0;
  let bi = 0;
  const withParams = (list: ActivationName[]): Activation[] =>
    list.map((name) => {
      const a: { name: ActivationName; alpha?: number; beta?: number } = { name };
      if (usesAlpha(name) && ai < alphas.length) a.alpha = alphas[ai++] as number;
      if (usesBeta(name) && bi < betas.length) a.beta = betas[bi++] as number;
      try {
        return normalizeActivation(a, where);
      } catch (e) {
        throw new FormatError(`${where}: activation ${name}: ${e instanceof Error ? e.message : 'invalid'}`, {
          cause: e,
        });
      }
    });
  const activations = withParams(fwd);
  const reverseActivations = bidirectional ? withParams(rev) : activations;
  const mode: RnnMode = op === 'RNN' && fwd[0] === 'Relu' ? 'rnn_relu' : baseMode;
  const clip = floatAttr(node, 'clip');
  if (clip !== null && !(clip > 0 && Number.isFinite(clip)))
    throw new FormatError(`${where}: clip must be a positive number, got ${clip}`);
  const inputForget = intAttr(node, 'input_forget', 0, where) !== 0;
  if (inputForget && op !== 'LSTM') throw new FormatError(`${where}: input_forget is an LSTM attribute`);
  // ONNX's default is linear_before_reset = 0; PyTorch's GRU is 1.
  const linearBeforeReset = op === 'GRU' ? intAttr(node, 'linear_before_reset', 0, where) !== 0 : true;
  return {
    mode,
    hiddenSize: hs,
    bidirectional,
    isReverseOnly: direction === 'reverse',
    activations,
    reverseActivations,
    clip,
    inputForget,
    linearBeforeReset,
    layout: layout as 0 | 1,
  };
}
