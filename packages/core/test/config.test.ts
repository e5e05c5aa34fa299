import { describe, expect, it } from 'vitest';
import { ConfigError, type RnnConfig, defineSpec, specToConfig } from '../src/index.js';

const base: RnnConfig = { mode: 'lstm', inputSize: 4, hiddenSize: 6 };

describe('defineSpec defaults', () => {
  it('fills in PyTorch defaults', () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 5 });
    expect(spec).toMatchObject({
      numLayers: 1,
      bias: true,
      batchFirst: false,
      bidirectional: false,
      dropout: 0,
      projSize: 0,
      clip: null,
      peepholes: false,
      inputForget: false,
      linearBeforeReset: true,
      tiedLayers: false,
    });
    expect(spec.activations).toEqual([{ name: 'Tanh' }]);
  });

  it.each([
    ['rnn_tanh', ['Tanh']],
    ['rnn_relu', ['Relu']],
    ['gru', ['Sigmoid', 'Tanh']],
    ['lstm', ['Sigmoid', 'Tanh', 'Tanh']],
  ] as const)('%s activations default to PyTorch %j', (mode, names) => {
    const spec = defineSpec({ mode, inputSize: 2, hiddenSize: 2 });
    expect(spec.activations.map((a) => a.name)).toEqual(names);
    expect(spec.reverseActivations).toEqual(spec.activations);
  });

  it('fills ONNX alpha/beta defaults per activation', () => {
    const spec = defineSpec({
      ...base,
      activations: [{ name: 'HardSigmoid' }, { name: 'ScaledTanh', alpha: 2 }, { name: 'LeakyRelu' }],
    });
    expect(spec.activations).toEqual([
      { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
      { name: 'ScaledTanh', alpha: 2, beta: 1 },
      { name: 'LeakyRelu', alpha: 0.01 },
    ]);
  });

  it('is frozen and idempotent', () => {
    const spec = defineSpec({ ...base, numLayers: 2, bidirectional: true, projSize: 3, clip: 5, peepholes: true });
    expect(Object.isFrozen(spec)).toBe(true);
    expect(defineSpec(spec)).toEqual(spec);
  });

  it('specToConfig keeps only what differs from the defaults and round-trips', () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 4, linearBeforeReset: false, clip: 2 });
    const config = specToConfig(spec);
    expect(config).toEqual({
      mode: 'gru',
      inputSize: 3,
      hiddenSize: 4,
      numLayers: 1,
      bias: true,
      batchFirst: false,
      bidirectional: false,
      projSize: 0,
      clip: 2,
      linearBeforeReset: false,
    });
    expect(defineSpec(config)).toEqual(spec);
  });
});

describe('defineSpec validation', () => {
  const bad: [string, unknown, RegExp][] = [
    ['unknown mode', { ...base, mode: 'transformer' }, /config.mode must be one of .* got transformer/],
    ['zero hidden size', { ...base, hiddenSize: 0 }, /config.hiddenSize must be an integer in \[1, 32768\], got 0/],
    ['fractional input size', { ...base, inputSize: 2.5 }, /config.inputSize .* got 2.5/],
    ['negative layers', { ...base, numLayers: -1 }, /config.numLayers .* got -1/],
    ['NaN size', { ...base, inputSize: Number.NaN }, /config.inputSize .* got NaN/],
    ['huge size', { ...base, hiddenSize: 1e9 }, /config.hiddenSize .* got 1000000000/],
    ['string size', { ...base, hiddenSize: '8' }, /config.hiddenSize .* got 8/],
    ['projSize on gru', { mode: 'gru', inputSize: 2, hiddenSize: 4, projSize: 2 }, /projSize is only valid for lstm/],
    ['projSize >= hidden', { ...base, projSize: 6 }, /projSize must be smaller than hiddenSize 6, got 6/],
    ['negative projSize', { ...base, projSize: -1 }, /projSize must be a non-negative integer, got -1/],
    ['dropout 1', { ...base, dropout: 1 }, /dropout must be a number in \[0, 1\), got 1/],
    ['negative clip', { ...base, clip: -1 }, /clip must be a positive finite number or null, got -1/],
    [
      'peepholes on rnn',
      { mode: 'rnn_tanh', inputSize: 2, hiddenSize: 2, peepholes: true },
      /peepholes is only valid for lstm/,
    ],
    [
      'inputForget on gru',
      { mode: 'gru', inputSize: 2, hiddenSize: 2, inputForget: true },
      /inputForget is only valid for lstm/,
    ],
    ['linearBeforeReset on lstm', { ...base, linearBeforeReset: false }, /linearBeforeReset is only valid for gru/],
    ['non-boolean bias', { ...base, bias: 1 }, /config.bias must be a boolean, got 1/],
    ['typo option', { ...base, hidenSize: 3 }, /unknown option 'hidenSize'/],
    [
      'wrong activation count',
      { ...base, activations: [{ name: 'Tanh' }] },
      /activations for lstm must list 3 activation/,
    ],
    [
      'unknown activation',
      { mode: 'rnn_tanh', inputSize: 2, hiddenSize: 2, activations: [{ name: 'Gelu' }] },
      /unknown activation 'Gelu'/,
    ],
    [
      'alpha on Tanh',
      { mode: 'rnn_tanh', inputSize: 2, hiddenSize: 2, activations: [{ name: 'Tanh', alpha: 1 }] },
      /Tanh takes no alpha/,
    ],
    [
      'NaN alpha',
      { mode: 'rnn_tanh', inputSize: 2, hiddenSize: 2, activations: [{ name: 'LeakyRelu', alpha: Number.NaN }] },
      /LeakyRelu alpha must be a finite number/,
    ],
    [
      'reverse activations without bidirectional',
      { mode: 'rnn_tanh', inputSize: 2, hiddenSize: 2, reverseActivations: [{ name: 'Relu' }] },
      /bidirectional is false/,
    ],
    ['not an object', null, /config must be an object/],
  ];
  it.each(bad)('rejects %s with a ConfigError naming the option', (_what, config, message) => {
    expect(() => defineSpec(config as RnnConfig)).toThrow(ConfigError);
    expect(() => defineSpec(config as RnnConfig)).toThrow(message);
  });

  it('errors carry a stable code and name', () => {
    try {
      defineSpec({ ...base, hiddenSize: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).code).toBe('E_CONFIG');
      expect((e as ConfigError).name).toBe('ConfigError');
    }
  });
});
