import { createReferenceBackend } from '@deeprnn/core';
import { type LanguageModel, Vocab, initLmParams, lmSpec } from '@deeprnn/lm';
import { describe, expect, it } from 'vitest';
import { type TextSink, writeGenerated } from '../src/generate-stream.js';

const vocab = new Vocab(['<unk>', ' ', ...'abcdefghijklmnopqrstuvwxyz']);
const spec = lmSpec({ mode: 'gru', vocabSize: vocab.size, hiddenSize: 8, numLayers: 2 });
const lm: LanguageModel = { spec, vocab, params: initLmParams(spec, vocab.size, 4) };

function sink(isTTY: boolean): TextSink & { writes: string[] } {
  const writes: string[] = [];
  return { writes, isTTY, write: (t: string) => writes.push(t) };
}

describe('deeprnn generate --stream', () => {
  const options = { chars: 15, temperature: 1, seed: 3 };

  it('streams on a terminal by default: the prefix, then one write per character, the same text as --no-stream', async () => {
    const tty = sink(true);
    await writeGenerated(createReferenceBackend(), lm, 'the time', options, undefined, tty);
    const whole = sink(true);
    await writeGenerated(createReferenceBackend(), lm, 'the time', options, false, whole);
    expect(whole.writes).toHaveLength(1);
    expect(tty.writes).toHaveLength(1 + 15 + 1);
    expect(tty.writes[0]).toBe('the time');
    expect(tty.writes.join('')).toBe(whole.writes[0]);
  });

  it('prints once when stdout is not a terminal, unless --stream asks', async () => {
    const piped = sink(false);
    await writeGenerated(createReferenceBackend(), lm, 'a', options, undefined, piped);
    expect(piped.writes).toHaveLength(1);
    const forced = sink(false);
    await writeGenerated(createReferenceBackend(), lm, 'a', options, true, forced);
    expect(forced.writes.length).toBe(17);
    expect(forced.writes.join('')).toBe(piped.writes[0]);
  });
});
