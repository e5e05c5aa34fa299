import { FormatError, UnsupportedError, defineSpec, initParams } from '@deeprnn/core';
import protoPackage from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '../src/index.js';

const { onnx } = protoPackage;
type Model = InstanceType<typeof onnx.ModelProto>;

function exported(config: Parameters<typeof defineSpec>[0], lowering: 'node' | 'loop' = 'node'): Model {
  const spec = defineSpec(config);
  const model = onnx.ModelProto.decode(exportOnnx(spec, initParams(spec), { lowering }));
  model.metadataProps = [];
  return model;
}

function bytesOf(model: Model | Parameters<typeof onnx.ModelProto.encode>[0]): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

const fv = (name: string): { name: string; type: { tensorType: { elemType: number } } } => ({
  name,
  type: { tensorType: { elemType: 1 } },
});

function graphModel(graph: Record<string, unknown>, extra: Record<string, unknown> = {}): Uint8Array {
  return bytesOf({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 14 }],
    graph: { name: 'g', ...graph },
    ...extra,
  });
}

describe('import rejects what is not a stacked RNN, saying which node and why', () => {
  it('a graph of other operators', () => {
    const bytes = graphModel({
      node: [{ name: 'act', opType: 'Relu', input: ['x'], output: ['y'] }],
      input: [fv('x')],
      output: [fv('y')],
    });
    expect(() => importOnnx(bytes)).toThrow(UnsupportedError);
    expect(() => importOnnx(bytes)).toThrow(/'act' \(Relu\).*op type Relu/);
  });

  it('an empty graph', () => {
    expect(() => importOnnx(graphModel({ input: [fv('x')], output: [fv('x')] }))).toThrow(/no RNN, GRU or LSTM node/);
  });

  it('an extra operator after the stack', () => {
    const m = exported({ mode: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 2 });
    m.graph!.node!.push({ name: 'post', opType: 'Relu', input: ['output'], output: ['post_out'] });
    m.graph!.output![0] = fv('post_out');
    expect(() => importOnnx(bytesOf(m))).toThrow(/'post' \(Relu\)/);
  });

  it('an output that is not the last layer', () => {
    const m = exported({ mode: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 2 });
    const first = m.graph!.node!.find((n) => n.opType === 'GRU')!;
    m.graph!.output!.push(fv(first.output![0]!));
    expect(() => importOnnx(bytesOf(m))).toThrow(/graph output .* is not the stacked RNN's output/);
  });

  it('a missing initializer', () => {
    const m = exported({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 });
    m.graph!.initializer = m.graph!.initializer!.filter((t) => t.name !== 'R_l0');
    expect(() => importOnnx(bytesOf(m))).toThrow(FormatError);
    expect(() => importOnnx(bytesOf(m))).toThrow(/reads 'R_l0', which no node, input or initializer provides/);
  });

  it('a cycle', () => {
    const bytes = graphModel({
      node: [
        { name: 'a', opType: 'Identity', input: ['b_out'], output: ['a_out'] },
        { name: 'b', opType: 'Identity', input: ['a_out'], output: ['b_out'] },
      ],
      input: [fv('x')],
      output: [fv('a_out')],
    });
    expect(() => importOnnx(bytes)).toThrow(/cycle through node 'a'/);
  });

  it('a value produced twice', () => {
    const bytes = graphModel({
      node: [
        { name: 'a', opType: 'Identity', input: ['x'], output: ['y'] },
        { name: 'b', opType: 'Identity', input: ['x'], output: ['y'] },
      ],
      input: [fv('x')],
      output: [fv('y')],
    });
    expect(() => importOnnx(bytes)).toThrow(/produced twice/);
  });

  it('layers whose attributes differ', () => {
    const m = exported({ mode: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 2 });
    const second = m.graph!.node!.filter((n) => n.opType === 'GRU')[1]!;
    second.attribute!.push({ name: 'clip', type: 1, f: 3 });
    expect(() => importOnnx(bytesOf(m))).toThrow(/attributes differ from layer 0/);
  });

  it('a reverse-only node inside a stack', () => {
    const m = exported({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3, numLayers: 2 });
    const first = m.graph!.node!.find((n) => n.opType === 'RNN')!;
    first.attribute = first.attribute!.map((a) =>
      a.name === 'direction' ? { ...a, s: new TextEncoder().encode('reverse') } : a,
    );
    expect(() => importOnnx(bytesOf(m))).toThrow(/direction 'reverse' is only understood for a single recurrent node/);
  });

  it('an unknown activation and an unknown attribute', () => {
    const m = exported({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 });
    const node = m.graph!.node!.find((n) => n.opType === 'RNN')!;
    node.attribute = node.attribute!.map((a) =>
      a.name === 'activations' ? { ...a, strings: [new TextEncoder().encode('Gelu')] } : a,
    );
    expect(() => importOnnx(bytesOf(m))).toThrow(/activation 'Gelu'/);
    node.attribute = [...node.attribute.filter((a) => a.name !== 'activations'), { name: 'frobnicate', type: 2, i: 1 }];
    expect(() => importOnnx(bytesOf(m))).toThrow(/unknown RNN attribute 'frobnicate'/);
  });

  it('metadata that disagrees with the graph', () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3 });
    const m = onnx.ModelProto.decode(exportOnnx(spec, initParams(spec)));
    m.metadataProps = [
      {
        key: 'deeprnn.config',
        value: JSON.stringify({ mode: 'gru', inputSize: 2, hiddenSize: 3, linearBeforeReset: false }),
      },
    ];
    expect(() => importOnnx(bytesOf(m))).toThrow(/disagrees with the graph: linearBeforeReset/);
    m.metadataProps = [{ key: 'deeprnn.config', value: '{not json' }];
    expect(() => importOnnx(bytesOf(m))).toThrow(FormatError);
  });

  it('a Loop-lowered deeprnn model without one of its weights', () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3, projSize: 2 });
    const m = onnx.ModelProto.decode(exportOnnx(spec, initParams(spec)));
    m.graph!.initializer = m.graph!.initializer!.filter((t) => t.name !== 'weight_hr_l0');
    expect(() => importOnnx(bytesOf(m))).toThrow(/reads 'weight_hr_l0', which no node, input or initializer provides/);
  });

  it('a weight that is NaN (node graphs validate their weights as Loop graphs do)', () => {
    const m = exported({ mode: 'gru', inputSize: 2, hiddenSize: 3 });
    const R = m.graph!.initializer!.find((t) => t.name === 'R_l0')!;
    R.rawData = Uint8Array.from(R.rawData!, (_, i) => (i < 4 ? [0, 0, 0xc0, 0x7f][i]! : R.rawData![i]!));
    expect(() => importOnnx(bytesOf(m))).toThrow(FormatError);
    expect(() => importOnnx(bytesOf(m))).toThrow(/is NaN, parameters must be finite/);
  });

  it('operators from another domain', () => {
    const m = exported({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 });
    m.opsetImport!.push({ domain: 'com.microsoft', version: 1 });
    expect(() => importOnnx(bytesOf(m))).toThrow(/domain 'com.microsoft'/);
  });
});

describe('import rejects hostile tensors before allocating', () => {
  const withInitializer = (t: Record<string, unknown>): Uint8Array => {
    const m = exported({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 });
    m.graph!.initializer!.push({ name: 'evil', ...t });
    return bytesOf(m);
  };

  it('dims that declare terabytes over 4 bytes of data', () => {
    const bytes = withInitializer({ dims: [2 ** 40, 2 ** 40], dataType: 1, rawData: new Uint8Array(4) });
    expect(() => importOnnx(bytes)).toThrow(/declare more elements than the file holds/);
  });

  it('dims that disagree with float_data', () => {
    expect(() => importOnnx(withInitializer({ dims: [1_000_000], dataType: 1, floatData: [1, 2, 3] }))).toThrow(
      FormatError,
    );
    expect(() => importOnnx(withInitializer({ dims: [3], dataType: 1, rawData: new Uint8Array(13) }))).toThrow(
      /need 3 elements, the tensor holds 13 bytes/,
    );
  });

  it('negative dims, external data, unknown element types', () => {
    expect(() => importOnnx(withInitializer({ dims: [-1], dataType: 1, floatData: [] }))).toThrow(FormatError);
    expect(() =>
      importOnnx(
        withInitializer({
          dims: [1],
          dataType: 1,
          dataLocation: 1,
          externalData: [{ key: 'location', value: 'w.bin' }],
        }),
      ),
    ).toThrow(UnsupportedError);
    expect(() => importOnnx(withInitializer({ dims: [1], dataType: 14, rawData: new Uint8Array(8) }))).toThrow(
      /element type 14/,
    );
  });

  it('bytes that are not a model', () => {
    expect(() => importOnnx(new Uint8Array())).toThrow(/empty/);
    expect(() => importOnnx(Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0x0f))).toThrow(FormatError);
    expect(() => importOnnx(new TextEncoder().encode('this is not protobuf at all'))).toThrow(FormatError);
  });
});
