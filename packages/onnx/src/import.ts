import {
  FormatError,
  ParameterError,
  type RnnParams,
  type RnnSpec,
  RnnError,
  type Tensor,
  UnsupportedError,
  paramLayout,
  tensor,
  validateParams,
} from '@deeprnn/core';
import { decodeModel } from './decode.js';
import { topologicalOrder } from './graph-order.js';
import { type StackGraph, walkStack } from './import-graph.js';
import type { IoBinding, IoRole } from './stack-walk.js';
import { stackToSpec } from './import-spec.js';
import { loweringFromMetadata, specFromMetadata } from './metadata.js';
import { MetadataMismatchError } from './metadata-error.js';
import { checkLoopStructure } from './loop-structure.js';
import { verifyLoopGraph } from './loop-verify.js';
import { importedOpset } from './opset-range.js';
import { type ProtoTensor, readTensorProto } from './tensor-proto.js';

/** What {@link importOnnx} returns. */
export interface ImportedOnnx {
  /** The config the graph's recurrent node(s) amount to. */
  readonly spec: RnnSpec;
  /** PyTorch-named parameters (float32, or float64 for double models). */
  readonly params: RnnParams;
  /** Graph inputs that carry data (not weights), with their roles. */
  readonly inputs: readonly IoBinding[];
  /** Graph outputs, with their roles. */
  readonly outputs: readonly IoBinding[];
  /** True when the graph takes unbatched [T, I] input and [L*D, H] states (torch unbatched exports). */
  readonly isUnbatched: boolean;
  /**
   * True for a single ONNX node with `direction = reverse`: it equals the forward spec run on each
   * sequence reversed within its length, with the output reversed back (what
   * {@link runOnnxTestCase} does). deeprnn itself has no reverse-only layer.
   */
  readonly isTimeReversed: boolean;
  /** Opset of the default domain. */
  readonly opset: number;
  /** producer_name of the file, e.g. 'pytorch' or 'deeprnn'. */
  readonly producer: string;
  /** `metadata` when the spec came from deeprnn's metadata_props, `graph` when read off the nodes. */
  readonly specSource: 'metadata' | 'graph';
}

/** Options of {@link importOnnx}. */
export interface ImportOptions {
  /**
   * Values for graph inputs that are really weights (the ONNX backend-test layout feeds W, R, B and P
   * as inputs). They are used as if they were initializers.
   */
  readonly constants?: Readonly<Record<string, Tensor>>;
}

function wrapRnnErrors<T>(f: () => T, where: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RnnError) throw e;
    // Anything else is a bug reached through a strange file: keep it typed, keep the cause.
    throw new FormatError(
      `${where}: the model could not be read (${e instanceof Error ? e.message : 'unknown error'})`,
      { cause: e },
    );
  }
}

/**
 * Reads a stacked RNN from ONNX model bytes: deeprnn's own exports (exactly), torch.onnx.export graphs
 * of nn.RNN/GRU/LSTM (batch-first and unbatched), ai.onnx opsets {@link IMPORT_OPSETS} (7 to 26), and single RNN/GRU/LSTM nodes with
 * any attribute the spec allows.
 *
 * @param bytes - the .onnx file.
 * @param options - values for graph inputs that hold weights.
 * @returns the spec, PyTorch-named parameters and how the graph's inputs and outputs map to them.
 * @throws {@link @deeprnn/core!FormatError | FormatError} for files that are not ONNX, truncated, cyclic or
 *   inconsistent.
 * @throws {@link @deeprnn/core!UnsupportedError | UnsupportedError} for a graph that is not a stacked RNN, naming the
 *   node and why.
 * @example
 * ```ts
 * const { spec, params } = importOnnx(readFileSync('model.onnx'));
 * ```
 */
export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): ImportedOnnx {
  return wrapRnnErrors(() => importModel(bytes, options), 'import');
}

function importModel(bytes: Uint8Array, options: ImportOptions): ImportedOnnx {
  const model = decodeModel(bytes);
  const graph = model.graph ?? {};
  for (const o of model.opsetImport ?? []) {
    if (o.domain && o.domain !== 'ai.onnx')
      throw new UnsupportedError(`import: operator domain '${o.domain}' is not supported`);
  }
  const opset = importedOpset(model.opsetImport ?? []);
  const consts = new Map<string, ProtoTensor>();
  (graph.initializer ?? []).forEach((t, i) => {
    const name = t.name ?? '';
    if (name === '') throw new FormatError(`import: initializer #${i} has no name`);
    consts.set(name, readTensorProto(t, `import: initializer '${name}'`));
  });
  for (const [name, t] of Object.entries(options.constants ?? {})) {
    consts.set(name, { kind: 'float', dims: [...t.shape], data: t.data });
  }
  const ranks = new Map<string, number | null>();
  const inputTypes = new Map<string, number>();
  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (name === '') throw new FormatError('import: a graph input has no name');
    const dims = input.type?.tensorType?.shape?.dim;
    ranks.set(name, dims ? dims.length : null);
    inputTypes.set(name, input.type?.tensorType?.elemType ?? 0);
  }
  const metaSpec = specFromMetadata(model.metadataProps);
  const producer = model.producerName ?? '';
  if (metaSpec !== null && loweringFromMetadata(model.metadataProps) === 'loop') {
    // The Loop body is not read back into a spec: the metadata gives it, and the graph must be
    // exactly what export writes for it, or the file is refused.
    topologicalOrder(graph.node ?? [], new Set([...consts.keys(), ...ranks.keys(), ''])); // every value read is provided, no cycle
    checkLoopStructure(graph, consts, metaSpec);
    const imported = fromNamedInitializers(metaSpec, consts, graph.input ?? [], graph.output ?? []);
    verifyLoopGraph(graph, metaSpec, imported.params);
    return { ...imported, opset, producer, specSource: 'metadata' };
  }
  const stack: StackGraph = walkStack(graph, consts, ranks, inputTypes);
  let { spec, params } = stackToSpec(stack);
  let specSource: 'metadata' | 'graph' = 'graph';
  if (metaSpec !== null) {
    checkAgainstMetadata(spec, metaSpec);
    spec = metaSpec;
    specSource = 'metadata';
    if (spec.tiedLayers)
      params = Object.fromEntries(Object.entries(params).filter(([k]) => paramLayout(spec).some((s) => s.name === k)));
  }
  checkParams(spec, params);
  const isTimeReversed = stack.layers[0]?.attrs.isReverseOnly === true;
  return {
    spec,
    params,
    inputs: stack.inputs,
    outputs: stack.outputs,
    isUnbatched: stack.isUnbatched,
    isTimeReversed,
    opset,
    producer,
    specSource,
  };
}

function checkAgainstMetadata(graphSpec: RnnSpec, meta: RnnSpec): void {
  const f = Math.fround;
  const problems: [string, string][] = [];
  // rnn_tanh and rnn_relu are one ONNX operator; the activations (compared below) tell them apart.
  const family = (s: RnnSpec): string => (s.mode === 'rnn_relu' ? 'rnn_tanh' : s.mode);
  if (family(graphSpec) !== family(meta))
    problems.push(['mode', `mode: graph ${graphSpec.mode}, metadata ${meta.mode}`]);
  const keys = [
    'inputSize',
    'hiddenSize',
    'numLayers',
    'bias',
    'batchFirst',
    'bidirectional',
    'projSize',
    'peepholes',
    'inputForget',
    'linearBeforeReset',
  ] as const;
  for (const k of keys)
    if (graphSpec[k] !== meta[k])
      problems.push([k, `${k}: graph ${String(graphSpec[k])}, metadata ${String(meta[k])}`]);
  if ((graphSpec.clip === null) !== (meta.clip === null) || (meta.clip !== null && f(meta.clip) !== graphSpec.clip)) {
    problems.push(['clip', `clip: graph ${String(graphSpec.clip)}, metadata ${String(meta.clip)}`]);
  }
  const acts = (list: RnnSpec['activations']): string =>
    JSON.stringify(
      list.map((a) => [a.name, a.alpha === undefined ? null : f(a.alpha), a.beta === undefined ? null : f(a.beta)]),
    );
  if (acts(graphSpec.activations) !== acts(meta.activations))
    problems.push([
      family(meta) === 'rnn_tanh' && graphSpec.mode !== meta.mode ? 'mode' : 'activations',
      'activations',
    ]);
  else if (acts(graphSpec.reverseActivations) !== acts(meta.reverseActivations))
    problems.push(['reverseActivations', 'reverseActivations']);
  if (meta.tiedLayers !== graphSpec.tiedLayers && meta.numLayers >= 3)
    problems.push([
      'tiedLayers',
      `tiedLayers: graph ${String(graphSpec.tiedLayers)}, metadata ${String(meta.tiedLayers)}`,
    ]);
  const first = problems[0];
  if (first !== undefined) {
    throw new MetadataMismatchError(
      first[0],
      `import: metadata_props 'deeprnn.config' disagrees with the graph: ${problems.map((p) => p[1]).join('; ')}`,
    );
  }
}

/** Weights read from a file must pass the same checks as any others (shapes, finite values). */
function checkParams(spec: RnnSpec, params: RnnParams): void {
  try {
    validateParams(spec, params);
  } catch (e) {
    if (e instanceof ParameterError) throw new FormatError(`import: ${e.message}`, { cause: e });
    throw e;
  }
}

function fromNamedInitializers(
  spec: RnnSpec,
  consts: ReadonlyMap<string, ProtoTensor>,
  inputs: readonly { name?: string | null }[],
  outputs: readonly { name?: string | null }[],
): Omit<ImportedOnnx, 'opset' | 'producer' | 'specSource' | 'isTimeReversed'> & { isTimeReversed: false } {
  const params: Record<string, Tensor> = {};
  for (const slot of paramLayout(spec)) {
    const t = consts.get(slot.name);
    if (t === undefined)
      throw new FormatError(`import: the Loop-lowered deeprnn model lacks initializer '${slot.name}'`);
    if (t.kind !== 'float') throw new FormatError(`import: initializer '${slot.name}' is not a float tensor`);
    try {
      params[slot.name] = tensor(t.data, t.dims);
    } catch (e) {
      throw new FormatError(`import: initializer '${slot.name}' is malformed`, { cause: e });
    }
  }
  checkParams(spec, params);
  const roles: Record<string, IoRole> = {
    input: 'input',
    h0: 'h0',
    c0: 'c0',
    sequence_lens: 'lengths',
    output: 'output',
    hN: 'hN',
    cN: 'cN',
  };
  const bind = (list: readonly { name?: string | null }[]): IoBinding[] =>
    list
      .filter((v) => !consts.has(v.name ?? ''))
      .map((v) => {
        const role = roles[v.name ?? ''];
        if (role === undefined)
          throw new FormatError(`import: unexpected graph input/output '${String(v.name)}' in a deeprnn model`);
        return { name: v.name as string, role, layout: 'deeprnn' as const };
      });
  return {
    spec,
    params: Object.freeze(params),
    inputs: bind(inputs),
    outputs: bind(outputs),
    isUnbatched: false,
    isTimeReversed: false,
  };
}
