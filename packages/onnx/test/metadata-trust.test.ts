import { type RnnConfig, defineSpec, initParams } from '@deeprnn/core';
import protoPackage from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEY, MetadataMismatchError, exportOnnx, importOnnx } from '../src/index.js';

const { onnx } = protoPackage;

/** Exports `config` with `lowering`, then rewrites the stored config with `edit` (the graph is untouched). */
function withEditedMetadata(
  config: RnnConfig,
  lowering: 'node' | 'loop',
  edit: (c: Record<string, unknown>) => void,
  options: { sequenceLengths?: boolean } = {},
): Uint8Array {
  const spec = defineSpec(config);
  const model = onnx.ModelProto.decode(exportOnnx(spec, initParams(spec, { seed: 7 }), { lowering, ...options }));
  const entry = model.metadataProps.find((p) => p.key === CONFIG_KEY)!;
  const stored = JSON.parse(entry.value ?? '') as Record<string, unknown>;
  edit(stored);
  entry.value = JSON.stringify(stored);
  return onnx.ModelProto.encode(model).finish();
}

function refusal(bytes: Uint8Array): MetadataMismatchError {
  try {
    importOnnx(bytes);
  } catch (e) {
    if (e instanceof MetadataMismatchError) return e;
    throw e;
  }
  throw new Error('the import accepted metadata that disagrees with the graph');
}

const rnn: RnnConfig = { mode: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers: 2 };
const gru: RnnConfig = { mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true };
const lstm: RnnConfig = { mode: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, projSize: 2 };
const lstmExtras: RnnConfig = {
  mode: 'lstm',
  inputSize: 2,
  hiddenSize: 3,
  peepholes: true,
  clip: 1.5,
  activations: [{ name: 'LeakyRelu', alpha: 0.25 }, { name: 'Tanh' }, { name: 'Tanh' }],
};
const tied: RnnConfig = { mode: 'rnn_tanh', inputSize: 3, hiddenSize: 3, numLayers: 3, tiedLayers: true };

// [what is flipped, model, edit of the stored config, the field the error must name]
const FLIPS: [string, RnnConfig, (c: Record<string, unknown>) => void, string][] = [
  [
    'linearBeforeReset true -> false',
    gru,
    (c) => {
      c.linearBeforeReset = false;
    },
    'linearBeforeReset',
  ],
  [
    'an activation (Sigmoid -> HardSigmoid)',
    gru,
    (c) => {
      c.activations = [{ name: 'HardSigmoid', alpha: 0.2, beta: 0.5 }, { name: 'Tanh' }];
    },
    'activations',
  ],
  [
    'an activation alpha (0.25 -> 0.5)',
    lstmExtras,
    (c) => {
      c.activations = [{ name: 'LeakyRelu', alpha: 0.5 }, { name: 'Tanh' }, { name: 'Tanh' }];
    },
    'activations',
  ],
  [
    'the reverse activations only',
    gru,
    (c) => {
      c.reverseActivations = [{ name: 'Sigmoid' }, { name: 'Softsign' }];
    },
    'reverseActivations',
  ],
  [
    'mode rnn_tanh -> rnn_relu',
    rnn,
    (c) => {
      c.mode = 'rnn_relu';
    },
    'mode',
  ],
  [
    'mode gru -> lstm',
    gru,
    (c) => {
      c.mode = 'lstm';
    },
    'mode',
  ],
  [
    'clip absent -> 2',
    gru,
    (c) => {
      c.clip = 2;
    },
    'clip',
  ],
  [
    'clip 1.5 -> 2.5',
    lstmExtras,
    (c) => {
      c.clip = 2.5;
    },
    'clip',
  ],
  [
    'clip 1.5 -> absent',
    lstmExtras,
    (c) => {
      delete c.clip;
    },
    'clip',
  ],
  [
    'batchFirst false -> true',
    lstm,
    (c) => {
      c.batchFirst = true;
    },
    'batchFirst',
  ],
  [
    'batchFirst true -> false',
    { ...gru, batchFirst: true },
    (c) => {
      c.batchFirst = false;
    },
    'batchFirst',
  ],
  [
    'inputForget false -> true',
    lstm,
    (c) => {
      c.inputForget = true;
    },
    'inputForget',
  ],
  [
    'peepholes true -> false',
    lstmExtras,
    (c) => {
      c.peepholes = false;
    },
    'peepholes',
  ],
  [
    'projSize 2 -> 1',
    lstm,
    (c) => {
      c.projSize = 1;
    },
    'projSize',
  ],
  [
    'projSize 2 -> 0',
    lstm,
    (c) => {
      c.projSize = 0;
    },
    'projSize',
  ],
  [
    'bias true -> false',
    rnn,
    (c) => {
      c.bias = false;
    },
    'bias',
  ],
  [
    'bidirectional true -> false',
    gru,
    (c) => {
      c.bidirectional = false;
    },
    'bidirectional',
  ],
  [
    'numLayers 2 -> 1',
    rnn,
    (c) => {
      c.numLayers = 1;
    },
    'numLayers',
  ],
  [
    'numLayers 2 -> 3',
    rnn,
    (c) => {
      c.numLayers = 3;
    },
    'numLayers',
  ],
  [
    'hiddenSize 4 -> 5',
    rnn,
    (c) => {
      c.hiddenSize = 5;
    },
    'hiddenSize',
  ],
  [
    'inputSize 3 -> 2',
    gru,
    (c) => {
      c.inputSize = 2;
    },
    'inputSize',
  ],
  [
    'tiedLayers true -> false',
    tied,
    (c) => {
      delete c.tiedLayers;
    },
    'tiedLayers',
  ],
];

describe('a Loop-lowered model does not trust its stored config: each flipped field is refused by name', () => {
  it.each(FLIPS)('%s', (_what, config, edit, field) => {
    const error = refusal(withEditedMetadata(config, 'loop', edit));
    expect(error.field).toBe(field);
    expect(error.code).toBe('E_FORMAT');
    expect(error.message).toMatch(/deeprnn\.(config|lowering)/);
  });

  it('the untouched files import with their own config (also with sequence_lens)', () => {
    for (const config of [rnn, gru, lstm, lstmExtras, tied, { ...gru, batchFirst: true, linearBeforeReset: false }]) {
      for (const sequenceLengths of [false, true]) {
        expect(importOnnx(withEditedMetadata(config, 'loop', () => undefined, { sequenceLengths })).spec).toEqual(
          defineSpec(config),
        );
      }
    }
  });

  it('a graph edited behind the metadata (one activation op swapped) is refused as a whole', () => {
    const spec = defineSpec(rnn);
    const model = onnx.ModelProto.decode(exportOnnx(spec, initParams(spec), { lowering: 'loop' }));
    const loop = model.graph!.node!.find((n) => n.opType === 'Loop')!;
    const body = loop.attribute!.find((a) => a.name === 'body')!.g!;
    const tanh = body.node!.find((n) => n.opType === 'Tanh')!;
    tanh.opType = 'Sigmoid';
    expect(refusal(onnx.ModelProto.encode(model).finish()).field).toBe('activations');
    tanh.opType = 'Tanh';
    body.node!.push({ opType: 'Identity', input: [tanh.output![0]!], output: ['stray'] });
    expect(refusal(onnx.ModelProto.encode(model).finish()).field).toBe('graph');
  });

  it('lowering metadata that says loop on a node-lowered graph is refused', () => {
    const spec = defineSpec(rnn);
    const model = onnx.ModelProto.decode(exportOnnx(spec, initParams(spec), { lowering: 'node' }));
    model.metadataProps.find((p) => p.key === 'deeprnn.lowering')!.value = 'loop';
    expect(refusal(onnx.ModelProto.encode(model).finish()).field).toBe('lowering');
  });
});

describe('a node-lowered model compares its stored config with the nodes, naming the field', () => {
  const nodeFlips = FLIPS.filter(([what, config]) => !(config === lstm || what.startsWith('mode gru')));
  it.each(nodeFlips)('%s', (_what, config, edit, field) => {
    expect(refusal(withEditedMetadata(config, 'node', edit)).field).toBe(field);
  });

  it('projSize in the metadata of a node graph (which has no projection) is refused', () => {
    const config: RnnConfig = { mode: 'lstm', inputSize: 3, hiddenSize: 4 };
    expect(
      refusal(
        withEditedMetadata(config, 'node', (c) => {
          c.projSize = 2;
        }),
      ).field,
    ).toBe('projSize');
  });
});
