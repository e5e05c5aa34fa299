import { defineSpec } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { loweringFor } from '../src/index.js';
import { nodeLimitation } from '../src/lowering-choice.js';

describe('loweringFor (the measured choices)', () => {
  it('takes the Loop for rnn modes on CPU and the ONNX nodes on GPU providers', () => {
    const rnn = defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4 });
    const lstm = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4 });
    expect(loweringFor(rnn, 'cpu')).toBe('loop');
    expect(loweringFor(lstm, 'cpu')).toBe('node');
    expect(loweringFor(rnn, 'webgpu')).toBe('node');
    expect(loweringFor(rnn, 'cuda')).toBe('node');
  });

  it('always takes the Loop for what the nodes cannot do (projections, Selu) or not right (Softplus)', () => {
    const proj = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, projSize: 2 });
    const selu = defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, activations: [{ name: 'Selu' }] });
    const softplus = defineSpec({
      mode: 'gru',
      inputSize: 3,
      hiddenSize: 4,
      activations: [{ name: 'Sigmoid' }, { name: 'Softplus' }],
    });
    for (const provider of ['cpu', 'cuda', 'webgpu'] as const) {
      expect(loweringFor(proj, provider)).toBe('loop');
      expect(loweringFor(selu, provider)).toBe('loop');
      expect(nodeLimitation(selu, provider)).toMatch(/no Selu activation/);
      expect(loweringFor(softplus, provider)).toBe('loop');
    }
  });
});

describe('what each provider can run (ORT WebGPU GRU/LSTM kernels know Sigmoid, Tanh, Relu only)', () => {
  const others = ['Affine', 'LeakyRelu', 'ThresholdedRelu', 'ScaledTanh', 'HardSigmoid', 'Elu', 'Softsign'] as const;
  it.each(others.map((a) => [a]))('a GRU or LSTM with %s takes the Loop on webgpu, the node on cpu', (name) => {
    for (const mode of ['gru', 'lstm'] as const) {
      const n = mode === 'gru' ? 2 : 3;
      const spec = defineSpec({
        mode,
        inputSize: 2,
        hiddenSize: 3,
        activations: Array.from({ length: n }, (_, i) => ({ name: i === n - 1 ? name : 'Sigmoid' })),
      });
      expect(loweringFor(spec, 'webgpu')).toBe('loop');
      expect(nodeLimitation(spec, 'webgpu')).toMatch(
        new RegExp(`webgpu provider's ${mode.toUpperCase()} kernel cannot run ${name}`),
      );
      expect(loweringFor(spec, 'cpu')).toBe('node');
      expect(nodeLimitation(spec, 'cpu')).toBeNull();
    }
  });

  it("keeps the node for the kernels' own activations and for rnn modes (their node runs on the CPU provider)", () => {
    const relu = defineSpec({
      mode: 'lstm',
      inputSize: 2,
      hiddenSize: 3,
      activations: [{ name: 'Relu' }, { name: 'Tanh' }, { name: 'Sigmoid' }],
    });
    expect(loweringFor(relu, 'webgpu')).toBe('node');
    const affineRnn = defineSpec({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3, activations: [{ name: 'Affine' }] });
    expect(loweringFor(affineRnn, 'webgpu')).toBe('node');
  });
});

describe('ORT WebGPU LSTM with clip and peepholes together (wrong numbers there, each alone agrees)', () => {
  it('takes the Loop on webgpu only when both are set', () => {
    const both = defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3, clip: 1, peepholes: true });
    expect(loweringFor(both, 'webgpu')).toBe('loop');
    expect(nodeLimitation(both, 'webgpu')).toMatch(/clip and peepholes/);
    expect(loweringFor(both, 'cpu')).toBe('node');
    for (const one of [{ clip: 1 }, { peepholes: true }]) {
      expect(loweringFor(defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 3, ...one }), 'webgpu')).toBe('node');
    }
  });
});
