import { FormatError, type RnnSpec, gateCount, paramKey } from '@deeprnn/core';
import { GRAPH_NAMES } from './export.js';
import { MetadataMismatchError } from './metadata-error.js';
import type { GraphProto } from './proto.js';
import type { ProtoTensor } from './tensor-proto.js';

const FAMILY: Readonly<Record<number, string>> = { 1: 'rnn', 3: 'gru', 4: 'lstm' };

/**
 * Checks the shape-carrying options of a Loop-lowered deeprnn model's metadata against what its graph
 * shows: the named weight initializers (which exist, their dims), the number of Loop nodes and
 * whether the input is transposed (batchFirst). Each value is read from the graph alone.
 *
 * @throws {@link MetadataMismatchError} naming the first option that disagrees.
 * @throws {@link FormatError} when the graph lacks the layer-0 weights altogether.
 */
export function checkLoopStructure(graph: GraphProto, consts: ReadonlyMap<string, ProtoTensor>, meta: RnnSpec): void {
  const nodes = graph.node ?? [];
  const loops = nodes.filter((n) => n.opType === 'Loop').length;
  if (loops === 0)
    throw new MetadataMismatchError(
      'lowering',
      "import: metadata_props 'deeprnn.lowering' says loop, but the graph has no Loop node",
    );
  const dims = (name: string): readonly number[] | null => consts.get(name)?.dims ?? null;
  const wih = dims(paramKey('weight', 'ih', 0, false));
  const whh = dims(paramKey('weight', 'hh', 0, false));
  if (wih?.length !== 2 || whh?.length !== 2) {
    throw new FormatError(
      "import: the Loop-lowered deeprnn model lacks 2-D initializers 'weight_ih_l0' and 'weight_hh_l0'",
    );
  }
  const hr = dims(paramKey('weight', 'hr', 0, false));
  const hiddenSize = hr?.[1] ?? (whh[1] as number);
  const directions = consts.has(paramKey('weight', 'ih', 0, true)) ? 2 : 1;
  const numLayers = loops / directions;
  let stored = 0;
  while (consts.has(paramKey('weight', 'ih', stored, false))) stored++;
  const gates = (wih[0] as number) / hiddenSize;
  const facts: [string, unknown, unknown][] = [
    ['bidirectional', directions === 2, meta.bidirectional],
    ['numLayers', numLayers, meta.numLayers],
    // Tying only shows from layer 2 on: two stored layers under three or more Loop layers.
    ['tiedLayers', meta.numLayers >= 3 ? stored === 2 : meta.tiedLayers, meta.tiedLayers],
    ['bias', consts.has(paramKey('bias', 'ih', 0, false)), meta.bias],
    ['peepholes', consts.has(paramKey('weight', 'ph', 0, false)), meta.peepholes],
    ['projSize', hr?.[0] ?? 0, meta.projSize],
    ['hiddenSize', hiddenSize, meta.hiddenSize],
    ['mode', FAMILY[gates] ?? `${gates} gates`, FAMILY[gateCount(meta.mode)]],
    ['inputSize', wih[1], meta.inputSize],
    ['batchFirst', nodes.some((n) => n.opType === 'Transpose' && n.input?.[0] === GRAPH_NAMES.input), meta.batchFirst],
  ];
  for (const [field, inGraph, inMeta] of facts) {
    if (inGraph !== inMeta) {
      throw new MetadataMismatchError(
        field,
        `import: metadata_props 'deeprnn.config' says ${field} ${String(inMeta)}, but the Loop graph has ${field} ${String(inGraph)}`,
      );
    }
  }
}
