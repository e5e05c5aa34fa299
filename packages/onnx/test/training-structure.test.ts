import { defineSpec } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { TRAINING_OPSET, exportGradientGraph, exportTrainingStep, trainedParameters } from '../src/index.js';
import { onnx } from '../src/proto.js';

function decode(bytes: Uint8Array): ReturnType<typeof onnx.ModelProto.decode> {
  return onnx.ModelProto.decode(bytes);
}

describe('exportTrainingStep', () => {
  const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2 });
  const model = decode(
    exportTrainingStep(spec, { T: 5, B: 2, classes: 7, optimizer: { name: 'adam', lr: 0.01 }, gradClipNorm: 1 }),
  );
  const graph = model.graph!;
  const ops = graph.node!.map((n) => n.opType);

  it("declares the opset and the step's inputs and outputs by name", () => {
    expect(Number(model.opsetImport?.[0]?.version)).toBe(TRAINING_OPSET);
    const names = trainedParameters(spec, 7).map(([n]) => n);
    expect(names.slice(0, 2)).toEqual(['head.weight', 'head.bias']);
    const inputs = graph.input!.map((v) => v.name);
    expect(inputs).toEqual(
      expect.arrayContaining([
        ...names,
        ...names.map((n) => `m.${n}`),
        ...names.map((n) => `v.${n}`),
        'step',
        'input',
        'targets',
        'h0',
        'c0',
      ]),
    );
    const outputs = graph.output!.map((v) => v.name);
    expect(outputs).toEqual(
      expect.arrayContaining([
        ...names.map((n) => `new.${n}`),
        ...names.map((n) => `new.m.${n}`),
        'new.step',
        'loss',
        'grad_norm',
        'hN',
        'cN',
      ]),
    );
  });

  it('is unrolled: no control flow, no Split; one Gemm per recurrent weight gradient over all steps', () => {
    expect(ops).not.toContain('Loop');
    expect(ops).not.toContain('Scan');
    expect(ops).not.toContain('Split');
    // transA Gemms: every RNN weight's gradient (W_ih, W_hh per layer) and the head's.
    const transA = graph.node!.filter(
      (n) => n.opType === 'Gemm' && n.attribute?.some((a) => a.name === 'transA' && Number(a.i) === 1),
    );
    expect(transA).toHaveLength(2 * spec.numLayers + 1);
  });
});

describe('exportTrainingStep: the rnn_tanh step', () => {
  const nodes = (numLayers: number, T: number): string[] => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers });
    const opts = { T, B: 2, classes: 7, optimizer: { name: 'sgd' as const, lr: 1 }, gradClipNorm: 1 };
    return decode(exportTrainingStep(spec, opts)).graph!.node!.map((n) => n.opType ?? '');
  };

  it('costs 7 nodes per step and layer: forward Slice, Gemm, Tanh; backward 2 Slices, Gemm, Mul', () => {
    // The backward adds the step's output gradient inside the Gemm (its C input), and takes
    // tanh' = 1 - y² of the layer's whole output once, cut into steps.
    for (const L of [1, 2]) expect(nodes(L, 6).length - nodes(L, 5).length).toBe(7 * L);
    const ops = nodes(1, 6);
    expect(ops.filter((o) => o === 'Sum')).toHaveLength(1); // the squared norms only
    expect(ops).not.toContain('OneHot');
  });
});

describe('exportGradientGraph', () => {
  it('names a gradient for every parameter, the input and the initial state', () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3, bidirectional: true });
    const graph = decode(exportGradientGraph(spec, { T: 3, B: 1, lengths: true })).graph!;
    const outputs = graph.output!.map((v) => v.name);
    expect(outputs).toEqual([...trainedParameters(spec, null).map(([n]) => `grad.${n}`), 'grad.input', 'grad.h0']);
    expect(graph.input!.map((v) => v.name)).toEqual(
      expect.arrayContaining(['input', 'h0', 'sequence_lens', 'grad_output', 'grad_hN']),
    );
  });

  it('refuses T or B below 1', () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: 1 });
    expect(() => exportGradientGraph(spec, { T: 0, B: 1 })).toThrow(/T must be a whole number >= 1/);
  });
});
