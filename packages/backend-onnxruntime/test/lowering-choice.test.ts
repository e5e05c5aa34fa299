import { defineSpec } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { loweringFor } from '../src/index.js';

describe('loweringFor (the measured choices)', () => {
  it('takes the Loop for rnn modes on CPU and the ONNX nodes on GPU providers', () => {
    const rnn = defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4 });
    const lstm = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4 });
    expect(loweringFor(rnn, 'cpu')).toBe('loop');
    expect(loweringFor(lstm, 'cpu')).toBe('node');
    expect(loweringFor(rnn, 'webgpu')).toBe('node');
    expect(loweringFor(rnn, 'cuda')).toBe('node');
  });

  it('always takes the Loop for what the nodes cannot do right: projections and Softplus', () => {
    const proj = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 4, projSize: 2 });
    const softplus = defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 4, activations: [{ name: 'Sigmoid' }, { name: 'Softplus' }] });
    for (const provider of ['cpu', 'cuda', 'webgpu'] as const) {
      expect(loweringFor(proj, provider)).toBe('loop');
      expect(loweringFor(softplus, provider)).toBe('loop');
    }
  });
});
