import { type RnnConfig, defineSpec } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { kernelSources } from '../src/kernels/kernel-sources.js';

// The generated WGSL of representative specs, checked without an adapter: a change to a kernel
// generator shows as a diff of these files, reviewed with the change (`npx vitest run -u` rewrites
// them). The d2l specs are the benchmarks'; the others cover each mode and option that changes code.
const LIMIT = 16384; // WebGPU's default maxComputeWorkgroupStorageSize
const SPECS: Record<string, { readonly config: RnnConfig; readonly B: number }> = {
  'd2l-rnn_tanh': { config: { mode: 'rnn_tanh', inputSize: 28, hiddenSize: 256, numLayers: 3 }, B: 32 },
  'd2l-gru': { config: { mode: 'gru', inputSize: 28, hiddenSize: 256, numLayers: 3 }, B: 32 },
  'd2l-lstm': { config: { mode: 'lstm', inputSize: 28, hiddenSize: 256, numLayers: 3 }, B: 32 },
  // Scalar units (H not a multiple of 4), fewer rows than a workgroup holds.
  'rnn_relu-scalar': { config: { mode: 'rnn_relu', inputSize: 3, hiddenSize: 5 }, B: 3 },
  'gru-reset-before': {
    config: { mode: 'gru', inputSize: 4, hiddenSize: 8, numLayers: 2, linearBeforeReset: false },
    B: 3,
  },
  'lstm-proj-peep-clip': {
    config: { mode: 'lstm', inputSize: 4, hiddenSize: 8, projSize: 4, peepholes: true, clip: 0.5, numLayers: 2 },
    B: 3,
  },
  'gru-bidir-activations': {
    config: {
      mode: 'gru',
      inputSize: 3,
      hiddenSize: 6,
      bidirectional: true,
      activations: [{ name: 'Sigmoid' }, { name: 'Softplus' }],
      reverseActivations: [
        { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
        { name: 'Elu', alpha: 1 },
      ],
    },
    B: 3,
  },
  'lstm-bidir-input-forget-nobias': {
    config: {
      mode: 'lstm',
      inputSize: 3,
      hiddenSize: 4,
      bidirectional: true,
      inputForget: true,
      bias: false,
      numLayers: 2,
    },
    B: 3,
  },
};

// Float16 weight storage changes only the inference kernels' weight bindings and reads (widened to
// f32): specs that read every kind of weight (b_hn, peepholes, W_hr, scalar units).
const F16_SPECS = ['d2l-gru', 'rnn_relu-scalar', 'gru-reset-before', 'lstm-proj-peep-clip'] as const;

describe('generated WGSL (no adapter needed)', () => {
  for (const name of F16_SPECS) {
    it(`${name}, float16 weights`, async () => {
      const { config, B } = SPECS[name]!;
      const { projection, recurrent, step } = kernelSources(defineSpec(config), B, LIMIT, 'f16');
      await expect(projection).toMatchFileSnapshot(`./__snapshots__/wgsl/${name}-f16.projection.wgsl`);
      await expect(recurrent).toMatchFileSnapshot(`./__snapshots__/wgsl/${name}-f16.recurrent.wgsl`);
      await expect(step).toMatchFileSnapshot(`./__snapshots__/wgsl/${name}-f16.step.wgsl`);
    });
  }

  for (const [name, { config, B }] of Object.entries(SPECS)) {
    it(name, async () => {
      const sources = kernelSources(defineSpec(config), B, LIMIT);
      for (const [kernel, code] of Object.entries(sources)) {
        await expect(code).toMatchFileSnapshot(`./__snapshots__/wgsl/${name}.${kernel}.wgsl`);
      }
    });
  }
});
