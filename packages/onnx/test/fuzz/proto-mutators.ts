import type { SeededRandom } from '@deeprnn/core';
import protoPackage from 'onnx-proto';

const { onnx } = protoPackage;
type Model = InstanceType<typeof onnx.ModelProto>;
type Graph = InstanceType<typeof onnx.GraphProto>;
type Node = InstanceType<typeof onnx.NodeProto>;
type TensorProto = InstanceType<typeof onnx.TensorProto>;

/** A mutation of the decoded model, in place: crafted dims, attributes, names, metadata. */
export type ProtoMutator = (model: Model, rng: SeededRandom) => void;

const int = (rng: SeededRandom, n: number): number => Math.floor(rng.nextFloat() * n);
const pick = <T>(rng: SeededRandom, list: readonly T[]): T | undefined =>
  list.length === 0 ? undefined : list[int(rng, list.length)];

function graphs(g: Graph | null | undefined): Graph[] {
  if (!g) return [];
  const nested = (g.node ?? []).flatMap((n) => (n.attribute ?? []).flatMap((a) => graphs(a.g as Graph | null)));
  return [g, ...nested];
}

function allNodes(m: Model): Node[] {
  return graphs(m.graph as Graph).flatMap((g) => g.node as Node[]);
}

function allTensors(m: Model): TensorProto[] {
  const fromGraphs = graphs(m.graph as Graph).flatMap((g) => g.initializer as TensorProto[]);
  const fromNodes = allNodes(m).flatMap((n) =>
    (n.attribute ?? []).map((a) => a.t as TensorProto | null).filter((t): t is TensorProto => !!t),
  );
  return [...fromGraphs, ...fromNodes];
}

const HUGE_DIMS: readonly number[][] = [
  [2 ** 31],
  [2 ** 40, 2 ** 40],
  [Number.MAX_SAFE_INTEGER],
  [2 ** 27],
  [-1],
  [],
  [0],
  [65536, 65536, 4],
];

/** Declares dims that disagree with the data: huge, negative, empty, or one axis changed. */
const dims: ProtoMutator = (m, rng) => {
  const t = pick(rng, allTensors(m));
  if (!t) return;
  const own = (t.dims ?? []).map(Number);
  const choices = [
    ...HUGE_DIMS,
    [...own, 1],
    own.map((d, i) => (i === 0 ? d * 2 : d)),
    [...own].reverse(),
    own.slice(1),
  ];
  t.dims = pick(rng, choices) ?? [];
};

/** Breaks a tensor's data: short raw data, listed values of the wrong count, another element type, external data. */
const tensorData: ProtoMutator = (m, rng) => {
  const t = pick(rng, allTensors(m));
  if (!t) return;
  switch (int(rng, 5)) {
    case 0:
      t.rawData = (t.rawData ?? new Uint8Array()).slice(0, Math.max(0, (t.rawData?.length ?? 0) - 1 - int(rng, 8)));
      break;
    case 1:
      t.rawData = new Uint8Array();
      t.floatData = Array.from({ length: int(rng, 9) }, () => rng.normal());
      break;
    case 2:
      t.dataType = int(rng, 20);
      break;
    case 3:
      t.dataLocation = 1;
      break;
    default:
      t.rawData = Uint8Array.from(t.rawData ?? [], () => 0xff); // NaN payloads everywhere
  }
};

const RECURRENT = new Set(['RNN', 'GRU', 'LSTM']);
const ATTRIBUTE_EDITS: readonly (() => InstanceType<typeof onnx.AttributeProto>)[] = [
  () => onnx.AttributeProto.create({ name: 'hidden_size', type: 2, i: 2 ** 31 }),
  () => onnx.AttributeProto.create({ name: 'hidden_size', type: 2, i: 0 }),
  () => onnx.AttributeProto.create({ name: 'hidden_size', type: 2, i: -3 }),
  () => onnx.AttributeProto.create({ name: 'hidden_size', type: 2, i: 65537 }),
  () => onnx.AttributeProto.create({ name: 'layout', type: 2, i: 2 }),
  () => onnx.AttributeProto.create({ name: 'layout', type: 2, i: 1 }),
  () => onnx.AttributeProto.create({ name: 'direction', type: 3, s: new TextEncoder().encode('sideways') }),
  () => onnx.AttributeProto.create({ name: 'direction', type: 3, s: new TextEncoder().encode('reverse') }),
  () => onnx.AttributeProto.create({ name: 'activations', type: 8, strings: [new TextEncoder().encode('Nope')] }),
  () =>
    onnx.AttributeProto.create({
      name: 'activations',
      type: 8,
      strings: Array.from({ length: 7 }, () => new TextEncoder().encode('Relu')),
    }),
  () =>
    onnx.AttributeProto.create({
      name: 'activation_alpha',
      type: 6,
      floats: [Number.NaN, Number.POSITIVE_INFINITY, -1e30],
    }),
  () => onnx.AttributeProto.create({ name: 'clip', type: 1, f: Number.NaN }),
  () => onnx.AttributeProto.create({ name: 'clip', type: 1, f: -1 }),
  () => onnx.AttributeProto.create({ name: 'clip', type: 1, f: Number.POSITIVE_INFINITY }),
  () => onnx.AttributeProto.create({ name: 'linear_before_reset', type: 2, i: 5 }),
  () => onnx.AttributeProto.create({ name: 'input_forget', type: 2, i: 1 }),
  () => onnx.AttributeProto.create({ name: 'mystery', type: 2, i: 1 }),
  () => onnx.AttributeProto.create({ name: 'hidden_size', type: 1, f: 2.5 }),
  () => onnx.AttributeProto.create({ name: 'perm', type: 7, ints: [2 ** 40, -1, 0] }),
  () => onnx.AttributeProto.create({ name: 'axes', type: 7, ints: [] }),
  () =>
    onnx.AttributeProto.create({
      name: 'value',
      type: 4,
      t: onnx.TensorProto.create({ dims: [2 ** 33], dataType: 1, rawData: new Uint8Array(4) }),
    }),
];

/** Replaces or adds one attribute of a node (recurrent nodes more often). */
const attribute: ProtoMutator = (m, rng) => {
  const nodes = allNodes(m);
  const recurrent = nodes.filter((n) => RECURRENT.has(n.opType ?? ''));
  const node = rng.nextFloat() < 0.7 ? (pick(rng, recurrent) ?? pick(rng, nodes)) : pick(rng, nodes);
  const edit = pick(rng, ATTRIBUTE_EDITS);
  if (!node || !edit) return;
  const a = edit();
  node.attribute = [...(node.attribute ?? []).filter((x) => x.name !== a.name), a];
};

const OP_TYPES = [
  'RNN',
  'GRU',
  'LSTM',
  'Loop',
  'Scan',
  'Identity',
  'Transpose',
  'Slice',
  'Concat',
  'Squeeze',
  'Constant',
  '',
];

/** Rewires a node: inputs swapped, blanked, renamed or dropped; outputs duplicated; op type changed. */
const wiring: ProtoMutator = (m, rng) => {
  const nodes = allNodes(m);
  const node = pick(rng, nodes);
  if (!node) return;
  const inputs = [...(node.input ?? [])];
  const outputs = [...(node.output ?? [])];
  switch (int(rng, 8)) {
    case 0:
      if (inputs.length > 1) {
        const [i, j] = [int(rng, inputs.length), int(rng, inputs.length)];
        [inputs[i], inputs[j]] = [inputs[j] as string, inputs[i] as string];
      }
      break;
    case 1:
      if (inputs.length > 0) inputs[int(rng, inputs.length)] = '';
      break;
    case 2:
      inputs[int(rng, inputs.length + 1)] = 'no_such_value';
      break;
    case 3:
      inputs.length = int(rng, inputs.length + 1);
      break;
    case 4:
      if (outputs.length > 0)
        outputs[int(rng, outputs.length)] =
          pick(
            rng,
            nodes.flatMap((n) => n.output ?? []),
          ) ?? '';
      break;
    case 5:
      outputs.unshift('');
      break;
    case 6:
      node.opType = pick(rng, OP_TYPES) ?? '';
      break;
    default:
      if (outputs.length > 0) outputs[int(rng, outputs.length)] = '';
  }
  node.input = inputs;
  node.output = outputs;
};

/** Changes the graph's declared inputs and outputs: odd shapes, element types, missing or unknown names. */
const graphIo: ProtoMutator = (m, rng) => {
  const g = m.graph as Graph;
  const list = rng.nextFloat() < 0.5 ? g.input : g.output;
  const v = pick(rng, list ?? []);
  if (!v) return;
  switch (int(rng, 5)) {
    case 0:
      v.type = onnx.TypeProto.create({
        tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 ** 40 }, { dimValue: -5 }] } },
      });
      break;
    case 1:
      v.type = onnx.TypeProto.create({ tensorType: { elemType: int(rng, 20) } });
      break;
    case 2:
      v.name = 'renamed';
      break;
    case 3:
      list.push(onnx.ValueInfoProto.create({ name: v.name ?? '' }));
      break;
    default:
      list.splice(list.indexOf(v), 1);
  }
};

const CONFIG_EDITS: readonly ((c: Record<string, unknown>) => unknown)[] = [
  (c) => ({ ...c, hiddenSize: 1e9 }),
  (c) => ({ ...c, inputSize: -1 }),
  (c) => ({ ...c, numLayers: 1 + (Number(c.numLayers) || 1) }),
  (c) => ({ ...c, batchFirst: !c.batchFirst }),
  (c) => ({ ...c, bidirectional: !c.bidirectional }),
  (c) => ({ ...c, clip: 0.75 }),
  (c) => ({ ...c, linearBeforeReset: false }),
  (c) => ({ ...c, mode: c.mode === 'gru' ? 'lstm' : 'gru' }),
  (c) => ({ ...c, activations: [{ name: 'Relu' }] }),
  (c) => ({ ...c, tiedLayers: true }),
  (c) =>
    JSON.parse(
      `{"__proto__": {"mode": "lstm"}, "mode": ${JSON.stringify(c.mode ?? 'gru')}, "inputSize": 2, "hiddenSize": 2}`,
    ) as unknown,
  () => [1, 2, 3],
  () => 'not an object',
];

/** Edits the deeprnn metadata: bad JSON, impossible sizes, flipped options, another lowering. */
const metadata: ProtoMutator = (m, rng) => {
  const config = (m.metadataProps ?? []).find((p) => p.key === 'deeprnn.config');
  const lowering = (m.metadataProps ?? []).find((p) => p.key === 'deeprnn.lowering');
  const choice = int(rng, 4);
  if (choice === 0 || !config) {
    m.metadataProps = [
      ...(m.metadataProps ?? []),
      onnx.StringStringEntryProto.create({
        key: 'deeprnn.lowering',
        value: pick(rng, ['loop', 'node', 'weird']) ?? '',
      }),
    ];
    if (!config && rng.nextFloat() < 0.5)
      m.metadataProps.push(
        onnx.StringStringEntryProto.create({
          key: 'deeprnn.config',
          value: '{"mode":"gru","inputSize":2,"hiddenSize":2}',
        }),
      );
    return;
  }
  if (choice === 1) {
    config.value = (config.value ?? '').slice(0, int(rng, (config.value ?? '').length));
    return;
  }
  if (choice === 2 && lowering) {
    lowering.value = lowering.value === 'loop' ? 'node' : 'loop';
    return;
  }
  const edit = pick(rng, CONFIG_EDITS);
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(config.value ?? '{}') as Record<string, unknown>;
  } catch {
    // an earlier mutation of this case cut the JSON short: edit an empty config
  }
  if (edit) config.value = JSON.stringify(edit(current));
};

/** Opset and IR version edge values, foreign domains. */
const opset: ProtoMutator = (m, rng) => {
  const entry = onnx.OperatorSetIdProto.create(
    pick(rng, [
      { domain: '', version: 0 },
      { domain: '', version: -5 },
      { domain: '', version: 2 ** 40 },
      { domain: 'com.example', version: 1 },
    ]) ?? {},
  );
  m.opsetImport = rng.nextFloat() < 0.5 ? [entry] : [...(m.opsetImport ?? []), entry];
  if (rng.nextFloat() < 0.3) m.irVersion = pick(rng, [0, -1, 2 ** 40]) ?? 0;
};

/** Many copies of one node (shared names): work must stay linear and end in a typed error or a load. */
const blowUp: ProtoMutator = (m, rng) => {
  const g = m.graph as Graph;
  const node = pick(rng, g.node ?? []);
  if (!node) return;
  const copies = Array.from({ length: 500 + int(rng, 1500) }, (_, i) =>
    onnx.NodeProto.create({
      opType: node.opType ?? '',
      input: node.input ?? [],
      attribute: node.attribute ?? [],
      name: `copy${i}`,
      output: rng.nextFloat() < 0.5 ? (node.output ?? []) : (node.output ?? []).map((o) => `${o}_${i}`),
    }),
  );
  g.node = [...copies, ...(g.node ?? [])];
};

/** Structured mutation families by name. */
export const PROTO_MUTATORS: Readonly<Record<string, ProtoMutator>> = {
  dims,
  tensorData,
  attribute,
  wiring,
  graphIo,
  metadata,
  opset,
  blowUp,
};

/** Decodes, applies `mutator` (1 to 3 times), encodes. */
export function mutateModel(bytes: Uint8Array, mutator: ProtoMutator, rng: SeededRandom): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  for (let k = 1 + int(rng, 3); k > 0; k--) mutator(model, rng);
  return onnx.ModelProto.encode(model).finish();
}
