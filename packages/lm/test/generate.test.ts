import { type Backend, type RnnState, SeededRandom, createReferenceBackend } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import {
  HEAD_BIAS,
  HEAD_WEIGHT,
  type LanguageModel,
  Vocab,
  generate,
  headInputSize,
  initLmParams,
  lmSpec,
  oneHotTimeMajor,
  pickToken,
  rnnParamsOf,
} from '../src/index.js';

const vocab = new Vocab(['<unk>', ' ', ...'abcdefghijklmnopqrstuvwxyz']);

function model(mode: 'gru' | 'lstm' | 'rnn_tanh', seed: number): LanguageModel {
  const spec = lmSpec({ mode, vocabSize: vocab.size, hiddenSize: 12, numLayers: 2 });
  return { spec, vocab, params: initLmParams(spec, vocab.size, seed) };
}

/** The rule before streams: one forward per character with the state carried on the host. */
async function generateByForward(
  backend: Backend,
  lm: LanguageModel,
  prefix: string,
  chars: number,
  temperature: number,
  seed: number,
): Promise<string> {
  const V = lm.vocab.size;
  const ids = Array.from(lm.vocab.encode([...prefix]));
  const rng = new SeededRandom(seed);
  await using m = await backend.createModel(lm.spec, rnnParamsOf(lm.params));
  let state: RnnState | undefined;
  if (ids.length > 1)
    state = (await m.forward(oneHotTimeMajor(Int32Array.from(ids.slice(0, -1)), 1, ids.length - 1, V))).state;
  const W = lm.params[HEAD_WEIGHT]!.data;
  const b = lm.params[HEAD_BIAS]!.data;
  const F = headInputSize(lm.spec);
  for (let i = 0; i < chars; i++) {
    const r = await m.forward(oneHotTimeMajor(Int32Array.of(ids[ids.length - 1]!), 1, 1, V), state);
    state = r.state;
    const logits = new Float64Array(V);
    for (let v = 0; v < V; v++) {
      let s = b[v]!;
      for (let f = 0; f < F; f++) s += r.output.data[f]! * W[v * F + f]!;
      logits[v] = s;
    }
    ids.push(pickToken(logits, temperature, rng));
  }
  return lm.vocab.decode(ids);
}

describe('generate on a stream', () => {
  for (const mode of ['gru', 'lstm', 'rnn_tanh'] as const) {
    it(`${mode}: the same text as one forward per character, greedy and sampled`, async () => {
      const backend = createReferenceBackend();
      const lm = model(mode, 7);
      expect(await generate(backend, lm, 'time traveller', { chars: 30 })).toBe(
        await generateByForward(backend, lm, 'time traveller', 30, 0, 0),
      );
      expect(await generate(backend, lm, 'the', { chars: 30, temperature: 0.8, seed: 5 })).toBe(
        await generateByForward(backend, lm, 'the', 30, 0.8, 5),
      );
    });
  }

  it('hands each character to onChar as it is chosen', async () => {
    const seen: string[] = [];
    const text = await generate(createReferenceBackend(), model('gru', 3), 'a', {
      chars: 12,
      temperature: 1,
      seed: 2,
      onChar: (c) => seen.push(c),
    });
    expect(seen).toHaveLength(12);
    expect('a' + seen.join('')).toBe(text);
  });
});

describe('pickToken', () => {
  it('greedy: the argmax, the lowest index among ties, and no draw from the generator', () => {
    const rng = new SeededRandom(1);
    expect(pickToken(Float64Array.of(0, 3, 1, 3), 0, rng)).toBe(1);
    expect(pickToken(Float64Array.of(-1, -1), 0, rng)).toBe(0);
    expect(rng.nextUint32()).toBe(new SeededRandom(1).nextUint32());
  });

  it('temperature: inverse CDF with one draw per token; frequencies follow softmax(logits / T)', () => {
    const logits = Float64Array.of(1, 0, 2, -1);
    const T = 0.7;
    const p = Array.from(logits, (l) => Math.exp(l / T));
    const sum = p.reduce((a, b) => a + b, 0);
    const rng = new SeededRandom(9);
    const twin = new SeededRandom(9);
    const counts = [0, 0, 0, 0];
    const N = 20000;
    for (let i = 0; i < N; i++) {
      const v = pickToken(logits, T, rng);
      counts[v]!++;
      // The rule, spelled out: the first token whose running sum passes u * sum(p).
      const u = twin.nextFloat() * sum;
      let acc = 0;
      let want = 0;
      for (; want < p.length; want++) if ((acc += p[want]!) > u) break;
      expect(v).toBe(want);
    }
    for (let v = 0; v < 4; v++) expect(Math.abs(counts[v]! / N - p[v]! / sum)).toBeLessThan(0.015);
  });
});
