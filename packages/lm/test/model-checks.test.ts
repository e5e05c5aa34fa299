import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, type Tensor, tensor, writeSafetensors } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import {
  HEAD_BIAS,
  HEAD_WEIGHT,
  type LanguageModel,
  MODEL_KEY,
  Vocab,
  checkVocabTokens,
  initLmParams,
  lmSpec,
  loadModel,
  modelFromSafetensors,
  initialTrainingState,
  saveCheckpoint,
  saveModel,
} from '../src/node.js';
import { tempDir } from './fixtures.js';

const TOKENS = ['<unk>', ' ', 'e', 't', 'a'];

function tinyModel(): LanguageModel {
  const spec = lmSpec({ mode: 'gru', vocabSize: TOKENS.length, hiddenSize: 3, numLayers: 2 });
  return { spec, vocab: new Vocab(TOKENS), params: initLmParams(spec, TOKENS.length, 1) };
}

/** The bytes of model.safetensors after `edit` changed its tensors or its metadata. */
function editedSync(edit: (tensors: Record<string, Tensor>, meta: Record<string, unknown>) => void): Uint8Array {
  const m = tinyModel();
  const tensors: Record<string, Tensor> = { ...m.params };
  const meta: Record<string, unknown> = {
    format: 'deeprnn-lm-model',
    version: 1,
    rnn: { mode: 'gru', inputSize: TOKENS.length, hiddenSize: 3, numLayers: 2 },
    vocabSize: TOKENS.length,
    head: 'linear',
    input: 'one-hot',
    vocab: [...TOKENS],
  };
  edit(tensors, meta);
  return writeSafetensors(tensors, { [MODEL_KEY]: JSON.stringify(meta) });
}

const load = (bytes: Uint8Array): LanguageModel => modelFromSafetensors(bytes, 'model.safetensors');

describe('a saved model is checked before it runs (CLI and page share this)', () => {
  it('accepts an untouched model', () => {
    expect(load(editedSync(() => undefined)).vocab.tokens).toEqual(TOKENS);
  });

  type Edit = (t: Record<string, Tensor>) => void;
  const cases: readonly (readonly [string, Edit, RegExp])[] = [
    [
      'a head of the wrong shape',
      (t: Record<string, Tensor>) => void (t[HEAD_WEIGHT] = tensor(new Float32Array(5 * 4), [5, 4])),
      /linear\.weight: expected shape \[5, 3\] .*got \[5, 4\]/,
    ],
    [
      'a head with too few rows',
      (t: Record<string, Tensor>) => void (t[HEAD_WEIGHT] = tensor(new Float32Array(4 * 3), [4, 3])),
      /linear\.weight: expected shape \[5, 3\]/,
    ],
    [
      'a bias of the wrong shape',
      (t: Record<string, Tensor>) => void (t[HEAD_BIAS] = tensor(new Float32Array(4), [4])),
      /linear\.bias: expected shape \[5\] .*got \[4\]/,
    ],
    [
      'a missing head weight',
      (t: Record<string, Tensor>) => void delete t[HEAD_WEIGHT],
      /linear\.weight: expected shape \[5, 3\] .*got nothing \(the tensor is missing\)/,
    ],
    [
      'a missing head bias',
      (t: Record<string, Tensor>) => void delete t[HEAD_BIAS],
      /linear\.bias: expected shape \[5\] .*got nothing/,
    ],
    [
      'NaN in the head',
      (t: Record<string, Tensor>) =>
        void (t[HEAD_WEIGHT] = tensor(
          Float32Array.from(t[HEAD_WEIGHT]!.data, (x, i) => (i === 7 ? Number.NaN : x)),
          [5, 3],
        )),
      /linear\.weight\[7\] is NaN, expected finite weights/,
    ],
    [
      'Infinity in the bias',
      (t: Record<string, Tensor>) =>
        void (t[HEAD_BIAS] = tensor(Float32Array.of(0, 0, Number.POSITIVE_INFINITY, 0, 0), [5])),
      /linear\.bias\[2\] is Infinity/,
    ],
    [
      'NaN in the RNN',
      (t: Record<string, Tensor>) =>
        void (t['rnn.weight_hh_l1'] = tensor(
          Float32Array.from(t['rnn.weight_hh_l1']!.data, () => Number.NaN),
          t['rnn.weight_hh_l1']!.shape,
        )),
      /rnn\.\*: weight_hh_l1\[0\] is NaN/,
    ],
    [
      'a missing RNN weight',
      (t: Record<string, Tensor>) => void delete t['rnn.bias_ih_l0'],
      /rnn\.\*: .*missing bias_ih_l0/,
    ],
    [
      'an unknown tensor',
      (t: Record<string, Tensor>) => void (t.extra = tensor(new Float32Array(1), [1])),
      /unexpected tensor extra/,
    ],
  ];
  it.each(cases)('refuses %s', (_name, edit, says) => {
    const bytes = editedSync((t) => edit(t));
    expect(() => load(bytes)).toThrow(FormatError);
    expect(() => load(bytes)).toThrow(says);
  });

  it.each([
    [
      'a multi-character token',
      ['<unk>', ' ', 'e', 'th', 'a'],
      /expected one character per token, got "th" \(2 characters\) at index 3/,
    ],
    [
      'an empty token',
      ['<unk>', ' ', '', 't', 'a'],
      /expected one character per token, got "" \(0 characters\) at index 2/,
    ],
    ['a duplicate token', ['<unk>', ' ', 'e', 'e', 'a'], /expected distinct tokens, got "e" twice/],
    ['no <unk> first', ['x', ' ', 'e', 't', 'a'], /expected "<unk>" at index 0, got "x"/],
    ['too few tokens', ['<unk>', ' ', 'e', 't'], /vocab: expected 5 tokens .*got 4/],
    ['a number for a token', ['<unk>', ' ', 'e', 7, 'a'], /expected a list of strings/],
  ] as const)('refuses a vocabulary with %s', (_name, vocab, says) => {
    const bytes = editedSync((_t, meta) => void (meta.vocab = vocab));
    expect(() => load(bytes)).toThrow(says);
  });

  it('counts a character outside the BMP as one (an emoji is a valid token)', () => {
    expect(() => checkVocabTokens(['<unk>', '😀', 'a'], 3, 'here')).not.toThrow();
  });

  it('refuses metadata that is not JSON or lacks the config', () => {
    expect(() => load(writeSafetensors(tinyModel().params, { [MODEL_KEY]: '{"rnn": ' }))).toThrow(
      /metadata is not JSON/,
    );
    expect(() => load(editedSync((_t, meta) => void delete meta.rnn))).toThrow(
      /rnn: expected the RNN config object, got nothing/,
    );
    expect(() =>
      load(editedSync((_t, meta) => void (meta.rnn = { mode: 'gru', inputSize: 5, hiddenSize: 0, numLayers: 2 }))),
    ).toThrow(/rnn: .*hiddenSize/);
  });
});

describe('config.json and vocab.json are checked against the weights', () => {
  async function saved(): Promise<string> {
    const dir = tempDir();
    await saveModel(dir, tinyModel());
    return dir;
  }

  it('loads a folder whose side files agree, or that has none', async () => {
    expect((await loadModel(await saved())).vocab.tokens).toEqual(TOKENS);
    const bare = tempDir();
    writeFileSync(join(bare, 'model.safetensors'), readFileSync(join(await saved(), 'model.safetensors')));
    expect((await loadModel(bare)).spec.numLayers).toBe(2);
  });

  it('accepts a config.json with defaults left out', async () => {
    const dir = await saved();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        rnn: { mode: 'gru', inputSize: 5, hiddenSize: 3, numLayers: 2 },
        vocabSize: 5,
        head: 'linear',
        input: 'one-hot',
      }),
    );
    await expect(loadModel(dir)).resolves.toBeDefined();
  });

  type ConfigEdit = (c: Record<string, unknown>) => void;
  const configCases: readonly (readonly [string, ConfigEdit, RegExp])[] = [
    [
      'config.json',
      (c: Record<string, unknown>) => void (c.vocabSize = 6),
      /config\.json: vocabSize is 6, but .*model\.safetensors holds 5/,
    ],
    [
      'config.json',
      (c: Record<string, unknown>) => void ((c.rnn as Record<string, unknown>).hiddenSize = 4),
      /config\.json: rnn is .*"hiddenSize":4.*, but .*model\.safetensors holds/,
    ],
    ['config.json', (c: Record<string, unknown>) => void (c.head = 'mlp'), /config\.json: head is "mlp"/],
  ];
  it.each(configCases)('refuses a %s that disagrees', async (_name, edit, says) => {
    const dir = await saved();
    const c = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    edit(c);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(c));
    await expect(loadModel(dir)).rejects.toThrow(says);
  });

  it('refuses a vocab.json that disagrees, and side files that are not JSON', async () => {
    const dir = await saved();
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(['<unk>', ' ', 't', 'e', 'a']));
    await expect(loadModel(dir)).rejects.toThrow(/vocab\.json: differs from the vocabulary in .*model\.safetensors/);
    writeFileSync(join(dir, 'vocab.json'), '[');
    await expect(loadModel(dir)).rejects.toThrow(/vocab\.json: expected JSON/);
  });

  it('checks a checkpoint loaded as a model the same way', async () => {
    const st = initialTrainingState(
      {
        model: { mode: 'gru', vocabSize: 5, hiddenSize: 3, numLayers: 2 },
        epochs: 1,
        optimizer: { name: 'sgd', lr: 1 },
        batch: 2,
        steps: 2,
        partition: 'sequential',
        gradClipNorm: null,
        seed: 0,
      },
      TOKENS,
    );
    const params = { ...st.params, [HEAD_BIAS]: tensor(Float32Array.of(0, Number.NaN, 0, 0, 0), [5]) };
    const file = join(tempDir(), 'checkpoint.safetensors');
    await saveCheckpoint(file, { ...st, params });
    await expect(loadModel(file)).rejects.toThrow(/linear\.bias\[1\] is NaN/);
    await saveCheckpoint(file, { ...st, vocab: ['<unk>', 'ab', 'e', 't', 'a'] });
    await expect(loadModel(file)).rejects.toThrow(/expected one character per token, got "ab"/);
  });
});
