import { defineSpec, initParams, specToConfig as specOf } from '@deeprnn/core';
import protoPackage from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { chooseLowering, exportOnnx, importOnnx } from '../src/index.js';

const { onnx } = protoPackage;
const decode = (bytes: Uint8Array): InstanceType<typeof onnx.ModelProto> => onnx.ModelProto.decode(bytes);
const dims = (v: {
  type?: {
    tensorType?: { shape?: { dim?: { dimValue?: unknown; dimParam?: string | null }[] | null } | null } | null;
  } | null;
}): (string | number)[] =>
  (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));

describe('export structure', () => {
  it('one node per layer, both directions in one node, symbolic batch and time axes, config in metadata', () => {
    const spec = defineSpec({
      mode: 'gru',
      inputSize: 3,
      hiddenSize: 4,
      numLayers: 3,
      bidirectional: true,
      batchFirst: true,
    });
    const m = decode(exportOnnx(spec, initParams(spec), { opset: 16, sequenceLengths: true }));
    const g = m.graph!;
    expect(g.node!.filter((n) => n.opType === 'GRU')).toHaveLength(3);
    expect(
      g
        .node!.filter((n) => n.opType === 'GRU')
        .every((n) =>
          n.attribute!.some((a) => a.name === 'direction' && new TextDecoder().decode(a.s!) === 'bidirectional'),
        ),
    ).toBe(true);
    expect(g.node!.some((n) => n.attribute!.some((a) => a.name === 'layout'))).toBe(false);
    expect(g.node![0]!.opType).toBe('Transpose');
    expect(g.input!.map((i) => [i.name, dims(i)])).toEqual([
      ['input', ['batch', 'seq_len', 3]],
      ['h0', [6, 'batch', 4]],
      ['sequence_lens', ['batch']],
    ]);
    expect(g.output!.map((o) => [o.name, dims(o)])).toEqual([
      ['output', ['batch', 'seq_len', 8]],
      ['hN', [6, 'batch', 4]],
    ]);
    expect(Number(m.opsetImport![0]!.version)).toBe(16);
    expect(JSON.parse(m.metadataProps!.find((p) => p.key === 'deeprnn.config')!.value!)).toMatchObject({
      mode: 'gru',
      numLayers: 3,
      batchFirst: true,
    });
    const lbr = g.node!.find((n) => n.opType === 'GRU')!.attribute!.find((a) => a.name === 'linear_before_reset')!;
    expect(Number(lbr.i)).toBe(1);
  });

  it('tied layers share one set of initializers', () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers: 4, tiedLayers: true });
    const g = decode(exportOnnx(spec, initParams(spec))).graph!;
    expect(
      g
        .initializer!.map((t) => t.name)
        .filter((n) => /^[WRB]_l/.test(n!))
        .sort(),
    ).toEqual(['B_l0', 'B_l1', 'R_l0', 'R_l1', 'W_l0', 'W_l1']);
    expect(g.node!.filter((n) => n.opType === 'RNN').map((n) => n.input![1])).toEqual(['W_l0', 'W_l1', 'W_l1', 'W_l1']);
  });

  it('LSTM projSize is lowered to standard ops (no LSTM node), and node lowering refuses it', () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, projSize: 2 });
    expect(chooseLowering(spec)).toBe('loop');
    expect(() => exportOnnx(spec, initParams(spec), { lowering: 'node' })).toThrow(/no projection/);
    const ops = new Set(decode(exportOnnx(spec, initParams(spec))).graph!.node!.map((n) => n.opType));
    expect(ops.has('LSTM')).toBe(false);
    expect(ops.has('Loop')).toBe(true);
  });

  it('Selu, which the recurrent operators lack, takes the Loop lowering with an ONNX Selu node; node lowering refuses it', () => {
    const spec = defineSpec({
      mode: 'gru',
      inputSize: 2,
      hiddenSize: 3,
      bidirectional: true,
      reverseActivations: [{ name: 'Sigmoid' }, { name: 'Selu', alpha: 1, beta: 0.5 }],
    });
    expect(chooseLowering(spec)).toBe('loop');
    expect(() => exportOnnx(spec, initParams(spec), { lowering: 'node' })).toThrow(
      /no Selu activation.*'loop' or 'auto'/,
    );
    const bytes = exportOnnx(spec, initParams(spec));
    const bodies = decode(bytes).graph!.node!.filter((n) => n.opType === 'Loop');
    const selu = bodies
      .flatMap((n) => n.attribute!.find((a) => a.name === 'body')!.g!.node!)
      .filter((n) => n.opType === 'Selu');
    expect(selu).toHaveLength(1);
    expect(Object.fromEntries(selu[0]!.attribute!.map((a) => [a.name, a.f]))).toEqual({ alpha: 1, gamma: 0.5 });
    expect(specOf(importOnnx(bytes).spec)).toEqual(specOf(spec));
  });

  it('an RNN node naming Selu in its activations is refused: the ONNX operators do not allow it', () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 });
    const model = decode(exportOnnx(spec, initParams(spec)));
    model.metadataProps = [];
    const rnn = model.graph!.node!.find((n) => n.opType === 'RNN')!;
    const selu = onnx.AttributeProto.create({
      name: 'activations',
      type: 8,
      strings: [new TextEncoder().encode('Selu')],
    });
    rnn.attribute = [...(rnn.attribute ?? []).filter((a) => a.name !== 'activations'), selu];
    expect(() => importOnnx(onnx.ModelProto.encode(model).finish())).toThrow(
      /activation 'Selu' is not one of Relu, Tanh/,
    );
  });

  it('writes every alpha and beta explicitly, only for activations that read them', () => {
    const spec = defineSpec({
      mode: 'lstm',
      inputSize: 2,
      hiddenSize: 2,
      bidirectional: true,
      activations: [{ name: 'HardSigmoid' }, { name: 'Tanh' }, { name: 'Elu', alpha: 0.5 }],
      reverseActivations: [{ name: 'Sigmoid' }, { name: 'ScaledTanh', alpha: 2, beta: 0.25 }, { name: 'Softsign' }],
    });
    const node = decode(exportOnnx(spec, initParams(spec))).graph!.node!.find((n) => n.opType === 'LSTM')!;
    const attr = (name: string): number[] => [...(node.attribute!.find((a) => a.name === name)?.floats ?? [])];
    expect(attr('activation_alpha')).toEqual([Math.fround(0.2), 0.5, 2]);
    expect(attr('activation_beta')).toEqual([0.5, 0.25]);
  });

  it('rejects opsets outside 14..17 and mismatched params', () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 2 });
    expect(() => exportOnnx(spec, initParams(spec), { opset: 13 })).toThrow(/opset 13 is not supported/);
    expect(() => exportOnnx(spec, {})).toThrow(/missing weight_ih_l0/);
  });
});

describe('import of single nodes', () => {
  /** A single LSTM node with the given layout, weights as initializers. */
  function singleNode(layout: number): Uint8Array {
    const spec = defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3, bidirectional: true });
    const m = decode(exportOnnx(spec, initParams(spec, { seed: 4 })));
    const g = m.graph!;
    const lstm = g.node!.find((n) => n.opType === 'LSTM')!;
    lstm.input = ['X', lstm.input![1]!, lstm.input![2]!, lstm.input![3]!, '', 'initial_h', 'initial_c'];
    lstm.output = ['Y', 'Y_h', 'Y_c'];
    lstm.attribute = [...lstm.attribute!, { name: 'layout', type: 2, i: layout }];
    const f = (name: string): { name: string; type: { tensorType: { elemType: number } } } => ({
      name,
      type: { tensorType: { elemType: 1 } },
    });
    g.node = [lstm];
    g.initializer = g.initializer!.filter((t) => lstm.input!.includes(t.name!));
    g.input = [f('X'), f('initial_h'), f('initial_c')];
    g.output = [f('Y'), f('Y_h'), f('Y_c')];
    m.metadataProps = [];
    return onnx.ModelProto.encode(m).finish();
  }

  it('layout 0: raw Y and states keep the operator layout', () => {
    const r = importOnnx(singleNode(0));
    expect(r.spec).toMatchObject({ mode: 'lstm', hiddenSize: 3, bidirectional: true, batchFirst: false });
    expect(r.inputs).toEqual([
      { name: 'X', role: 'input', layout: 'deeprnn' },
      { name: 'initial_h', role: 'h0', layout: 'deeprnn' },
      { name: 'initial_c', role: 'c0', layout: 'deeprnn' },
    ]);
    expect(r.outputs.map((o) => [o.role, o.layout])).toEqual([
      ['output', 'onnx'],
      ['hN', 'deeprnn'],
      ['cN', 'deeprnn'],
    ]);
  });

  it('layout 1: batch-first with batch-major states', () => {
    const r = importOnnx(singleNode(1));
    expect(r.spec.batchFirst).toBe(true);
    expect(r.inputs.map((i) => [i.role, i.layout])).toEqual([
      ['input', 'deeprnn'],
      ['h0', 'onnx'],
      ['c0', 'onnx'],
    ]);
    expect(r.outputs.map((o) => [o.role, o.layout])).toEqual([
      ['output', 'onnx'],
      ['hN', 'onnx'],
      ['cN', 'onnx'],
    ]);
  });
});
