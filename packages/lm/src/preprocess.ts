import { Vocab } from './vocab.js';

/**
 * d2l's `read_time_machine` + character `tokenize`: each line keeps letters only (runs of anything
 * else become one space), trimmed and lower-cased; the characters of all lines are concatenated (no
 * separator between lines, as d2l flattens them).
 */
export function charTokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw
      .replace(/[^A-Za-z]+/g, ' ')
      .trim()
      .toLowerCase();
    for (const ch of line) out.push(ch);
  }
  return out;
}

/** A corpus as token indices plus its vocabulary. */
export interface Corpus {
  /** The corpus as vocabulary indices, one per character token. */
  readonly ids: Int32Array;
  /** The vocabulary the indices refer to. */
  readonly vocab: Vocab;
}

/**
 * d2l's `load_corpus_time_machine`: character tokens, a vocabulary built from the whole text, and the
 * first `maxTokens` indices (all when `maxTokens` is 0 or absent).
 *
 * @example
 * ```ts
 * const { ids, vocab } = loadCorpus(text, 10_000); // vocab.size === 28 for The Time Machine
 * ```
 */
export function loadCorpus(text: string, maxTokens = 0, vocab?: Vocab): Corpus {
  const tokens = charTokens(text);
  const v = vocab ?? Vocab.fromTokens(tokens);
  const ids = v.encode(tokens);
  return { ids: maxTokens > 0 ? ids.slice(0, maxTokens) : ids, vocab: v };
}
