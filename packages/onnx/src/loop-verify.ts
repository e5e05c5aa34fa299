import { type RnnParams, type RnnSpec, specToConfig } from '@deeprnn/core';
import { decodeModel } from './decode.js';
import { GRAPH_NAMES, exportOnnx } from './export.js';
import { MetadataMismatchError } from './metadata-error.js';
import { type GraphProto, type NodeProto, onnx } from './proto.js';
import { readTensorProto } from './tensor-proto.js';

const ACTIVATION_OPS = new Set([
  'Relu',
  'Tanh',
  'Sigmoid',
  'Softsign',
  'Softplus',
  'LeakyRelu',
  'ThresholdedRelu',
  'Elu',
  'HardSigmoid',
  'Selu',
]);

/** What one Loop body shows, split by the config options that shape it. */
interface BodyTokens {
  /** Sub nodes (LSTM: present exactly with inputForget). */
  readonly subs: number;
  /** Clip nodes with their bounds. */
  readonly clip: string;
  /** Activation ops with their attributes, and Mul/Add by a constant (Affine, ScaledTanh). */
  readonly activations: string;
  /** Every other op type, in order: the cell's wiring (GRU: linearBeforeReset). */
  readonly skeleton: string;
}

function bodyTokens(body: GraphProto): BodyTokens {
  const consts = new Map<string, string>();
  for (const t of body.initializer ?? []) {
    const v = readTensorProto(t, 'loop body');
    consts.set(t.name ?? '', Array.from(v.data).join(','));
  }
  let subs = 0;
  const clip: string[] = [];
  const activations: string[] = [];
  const skeleton: string[] = [];
  for (const node of body.node ?? []) {
    const op = node.opType ?? '';
    const constArgs = (node.input ?? []).filter((n) => consts.has(n)).map((n) => consts.get(n));
    if (op === 'Sub') subs++;
    if (op === 'Clip') clip.push(constArgs.join('|'));
    else if (ACTIVATION_OPS.has(op))
      activations.push(`${op}(${(node.attribute ?? []).map((a) => `${String(a.name)}=${String(a.f)}`).join(',')})`);
    else if ((op === 'Mul' || op === 'Add') && constArgs.length > 0) activations.push(`${op}(${constArgs.join('|')})`);
    else skeleton.push(op);
  }
  return { subs, clip: clip.join(';'), activations: activations.join(';'), skeleton: skeleton.join(';') };
}

function loopBodies(graph: GraphProto): BodyTokens[] {
  return (graph.node ?? [])
    .filter((n: NodeProto) => n.opType === 'Loop')
    .map((n) => {
      const body = (n.attribute ?? []).find((a) => a.name === 'body')?.g;
      return body ? bodyTokens(body) : { subs: 0, clip: '', activations: '', skeleton: '' };
    });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The config option that explains why `file` differs from `rebuilt` (both Loop graphs of `meta`'s shape). */
function diagnose(file: GraphProto, rebuilt: GraphProto, meta: RnnSpec): string {
  const got = loopBodies(file);
  const want = loopBodies(rebuilt);
  const firstDiff = (key: keyof BodyTokens): number => want.findIndex((w, i) => got[i]?.[key] !== w[key]);
  if (meta.mode === 'lstm' && firstDiff('subs') >= 0) return 'inputForget';
  if (firstDiff('clip') >= 0) return 'clip';
  const act = firstDiff('activations');
  if (act >= 0) {
    if (meta.bidirectional && act % 2 === 1) return 'reverseActivations';
    // rnn_tanh and rnn_relu differ only in their default activation: the graph applying the other
    // mode's default (while the metadata names none) is a wrong mode.
    const otherDefault = meta.mode === 'rnn_tanh' ? 'Relu()' : meta.mode === 'rnn_relu' ? 'Tanh()' : null;
    return got[act]?.activations === otherDefault && !('activations' in specToConfig(meta)) ? 'mode' : 'activations';
  }
  if (meta.mode === 'gru' && firstDiff('skeleton') >= 0) return 'linearBeforeReset';
  return 'graph';
}

/**
 * Verifies a Loop-lowered deeprnn model against its metadata: the graph must be exactly the one
 * {@link exportOnnx} writes for the metadata's config and the model's own weights (declaring the same
 * optional inputs). A file whose metadata was edited, or whose graph was, is refused instead of
 * imported with a config that computes something else.
 *
 * @throws {@link MetadataMismatchError} naming the option that disagrees (`graph` when no single
 *   option explains the difference).
 */
export function verifyLoopGraph(file: GraphProto, meta: RnnSpec, params: RnnParams): void {
  const declared = new Set((file.input ?? []).map((i) => i.name));
  const bytes = exportOnnx(meta, params, {
    lowering: 'loop',
    initialState: declared.has(GRAPH_NAMES.h0),
    sequenceLengths: declared.has(GRAPH_NAMES.lengths),
  });
  const rebuilt = decodeModel(bytes).graph as GraphProto;
  if (sameBytes(onnx.GraphProto.encode(file).finish(), onnx.GraphProto.encode(rebuilt).finish())) return;
  const field = diagnose(file, rebuilt, meta);
  const what =
    field === 'graph'
      ? 'the Loop graph is not the one deeprnn writes for that config (a node, initializer, input or output differs)'
      : `it says ${field} ${JSON.stringify((meta as unknown as Record<string, unknown>)[field])}, the Loop graph computes another`;
  throw new MetadataMismatchError(field, `import: metadata_props 'deeprnn.config' disagrees with the graph: ${what}`);
}
