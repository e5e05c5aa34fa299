// The page's model and corpus loading, checked in Node (File, Response and ReadableStream are global
// there): the page and `deeprnn generate` refuse the same damaged models, through @deeprnn/lm.
import { writeSafetensors } from '@deeprnn/core';
import { MAX_CORPUS_BYTES, MODEL_KEY, Vocab, encodeModel, initLmParams, lmSpec } from '@deeprnn/lm';
import { describe, expect, it } from 'vitest';
import { fetchCorpus } from '../src/corpus.js';
import { loadFiles } from '../src/model-files.js';

const TOKENS = ['<unk>', ' ', 'e', 't', 'a'];
const spec = lmSpec({ mode: 'rnn_tanh', vocabSize: TOKENS.length, hiddenSize: 4, numLayers: 1 });
const model = { spec, vocab: new Vocab(TOKENS), params: initLmParams(spec, TOKENS.length, 3) };

function withVocab(vocab: string[]): File {
  const meta = JSON.stringify({
    format: 'deeprnn-lm-model',
    version: 1,
    rnn: { mode: 'rnn_tanh', inputSize: 5, hiddenSize: 4, numLayers: 1 },
    vocabSize: 5,
    head: 'linear',
    input: 'one-hot',
    vocab,
  });
  return new File([new Uint8Array(writeSafetensors(model.params, { [MODEL_KEY]: meta }))], 'model.safetensors');
}

describe('loadFiles (the page) refuses what deeprnn generate refuses', () => {
  it('loads a saved model with its config.json and vocab.json', async () => {
    const files = encodeModel(model);
    const got = await loadFiles([
      new File([new Uint8Array(files.weights)], 'm.safetensors'),
      new File([files.config], 'm.config.json'),
      new File([files.vocab], 'm.vocab.json'),
    ]);
    expect(got.kind).toBe('lm');
  });

  it.each([
    ['a duplicate token', ['<unk>', ' ', 'e', 'e', 'a'], /vocab: expected distinct tokens, got "e" twice/],
    ['a multi-character token', ['<unk>', ' ', 'e', 'th', 'a'], /expected one character per token, got "th"/],
    ['an empty token', ['<unk>', '', 'e', 't', 'a'], /expected one character per token, got ""/],
  ])('%s', async (_name, vocab, says) => {
    await expect(loadFiles([withVocab(vocab)])).rejects.toThrow(says);
  });

  it('a vocab.json or config.json that disagrees with the weights (each recognised by its name)', async () => {
    const files = encodeModel(model);
    const weights = new File([new Uint8Array(files.weights)], 'm.safetensors');
    await expect(loadFiles([weights, new File(['["<unk>","a","t","e"," "]'], 'm.vocab.json')])).rejects.toThrow(
      /m\.vocab\.json: differs from the vocabulary in m\.safetensors/,
    );
    await expect(
      loadFiles([weights, new File([files.config.replace('"vocabSize": 5', '"vocabSize": 6')], 'm.config.json')]),
    ).rejects.toThrow(/m\.config\.json: vocabSize is 6, but m\.safetensors holds 5/);
  });

  it('errors carry a stable code (E_FORMAT), not only a class name', async () => {
    await expect(loadFiles([new File(['x'], 'notes.txt')])).rejects.toMatchObject({ code: 'E_FORMAT' });
  });
});

describe('fetchCorpus (the page)', () => {
  const text = (body: string | ReadableStream<Uint8Array>, init?: ResponseInit): Promise<Response> =>
    Promise.resolve(new Response(body, init));

  it('loads a corpus', async () => {
    const corpus = await fetchCorpus(0, 'corpus.txt', () => text('the time traveller'));
    expect(corpus.vocab.size).toBeGreaterThan(5);
  });

  it('says what to do when the server is not there, answers an error, or serves nothing usable', async () => {
    await expect(fetchCorpus(0, 'corpus.txt', () => Promise.reject(new TypeError('Failed to fetch')))).rejects.toThrow(
      /could not load the corpus from corpus\.txt: Failed to fetch \(serve the page with `deeprnn playground`/,
    );
    await expect(fetchCorpus(0, 'corpus.txt', () => text('', { status: 404 }))).rejects.toThrow(/HTTP 404/);
    await expect(fetchCorpus(0, 'x.txt', () => text(''))).rejects.toThrow(/the corpus at x\.txt is empty/);
    await expect(fetchCorpus(0, 'x.txt', () => text('1234 5678'))).rejects.toThrow(/has no letters to train on/);
  });

  it('stops reading a body without end at the limit', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 2 ** 20;
        controller.enqueue(new Uint8Array(2 ** 20).fill(97));
      },
    });
    await expect(fetchCorpus(0, 'zero', () => text(endless))).rejects.toThrow(
      new RegExp(`the corpus at zero is more than ${MAX_CORPUS_BYTES} bytes, over the corpus limit`),
    );
    expect(pulled).toBeLessThan(MAX_CORPUS_BYTES + 4 * 2 ** 20);
    await expect(
      fetchCorpus(0, 'big', () => text('a', { headers: { 'content-length': String(MAX_CORPUS_BYTES + 1) } })),
    ).rejects.toThrow(/is \d+ bytes, over the corpus limit/);
  });
});
