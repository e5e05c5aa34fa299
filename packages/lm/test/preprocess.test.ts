import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UNK, Vocab, charTokens, loadCorpus } from '../src/index.js';
import { bundledCorpusPath } from '../src/node.js';

// The book as it ships with the package (same SHA-1 as d2l's copy).
const bookPath = bundledCorpusPath();

describe('d2l preprocessing', () => {
  it('keeps letters only, lower-cased, trimmed, lines concatenated', () => {
    expect(charTokens('Hello, World!\n  42 Ab-c  \n\n')).toEqual([...'hello world', ...'ab c']);
  });

  it('orders the vocabulary by frequency with <unk> first', () => {
    const v = Vocab.fromTokens([...'abbccc']);
    expect(v.tokens).toEqual([UNK, 'c', 'b', 'a']);
    expect(v.indexOf('z')).toBe(0);
    expect(v.decode(v.encode([...'cab']))).toBe('cab');
  });

  it('keeps first appearance order among equal counts (Python stable sort)', () => {
    expect(Vocab.fromTokens([...'xyyxz']).tokens).toEqual([UNK, 'x', 'y', 'z']);
  });

  it('reproduces d2l on The Time Machine: 28 tokens, 170580 characters', () => {
    const { ids, vocab } = loadCorpus(readFileSync(bookPath, 'utf8'));
    expect(vocab.size).toBe(28);
    expect(vocab.tokens.slice(0, 10)).toEqual([UNK, ' ', 'e', 't', 'a', 'i', 'n', 'o', 's', 'h']);
    expect(ids.length).toBe(170580);
    expect(loadCorpus(readFileSync(bookPath, 'utf8'), 10_000).ids.length).toBe(10_000);
  });
});
