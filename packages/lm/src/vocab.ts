/** The unknown token, index 0 as in d2l's `Vocab`. */
export const UNK = '<unk>';

/**
 * d2l's `Vocab`: `<unk>` at index 0, then tokens by descending frequency (ties in order of first
 * appearance, as Python's stable sort of a `Counter` gives).
 */
export class Vocab {
  /** Index to token. */
  readonly tokens: readonly string[];
  private readonly index: ReadonlyMap<string, number>;

  constructor(tokens: readonly string[]) {
    this.tokens = Object.freeze([...tokens]);
    this.index = new Map(tokens.map((t, i) => [t, i]));
  }

  /** Builds the vocabulary of a token sequence. */
  static fromTokens(tokens: Iterable<string>, minFreq = 0): Vocab {
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    const out = [UNK];
    for (const [t, n] of sorted) if (n >= minFreq && t !== UNK) out.push(t);
    return new Vocab(out);
  }

  /** Number of tokens, `<unk>` included. */
  get size(): number {
    return this.tokens.length;
  }

  /** Index of a token, 0 (`<unk>`) when unknown. */
  indexOf(token: string): number {
    return this.index.get(token) ?? 0;
  }

  /** Indices of a sequence of tokens. */
  encode(tokens: Iterable<string>): Int32Array {
    return Int32Array.from(tokens, (t) => this.indexOf(t));
  }

  /** The text of a sequence of indices (characters joined without separators). */
  decode(ids: Iterable<number>): string {
    let s = '';
    for (const i of ids) s += this.tokens[i] ?? UNK;
    return s;
  }
}
