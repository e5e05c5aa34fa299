import type { Backend } from '@deeprnn/core';
import { type GenerateOptions, type LanguageModel, generate } from '@deeprnn/lm';

/** Where generated text goes: process.stdout, or a test's collector. */
export interface TextSink {
  write(text: string): unknown;
  /** True for a terminal: streaming is then the default. */
  readonly isTTY?: boolean;
}

/**
 * Runs `generate` and writes the text: with `stream` (the default when `out` is a terminal), the
 * prefix at once and then each character as the model produces it; otherwise the whole text at the
 * end. Both write the same characters, followed by a newline.
 *
 * @param stream - true or false from `--stream`/`--no-stream`, undefined to follow `out.isTTY`.
 */
export async function writeGenerated(
  backend: Backend,
  lm: LanguageModel,
  prefix: string,
  options: GenerateOptions,
  stream: boolean | undefined,
  out: TextSink,
): Promise<void> {
  if (!(stream ?? out.isTTY === true)) {
    out.write(`${await generate(backend, lm, prefix, options)}\n`);
    return;
  }
  // What generate returns before its first character: the prefix as the vocabulary reads it.
  out.write(lm.vocab.decode(lm.vocab.encode(prefix.length > 0 ? [...prefix] : [' '])));
  await generate(backend, lm, prefix, {
    ...options,
    onChar: (c) => {
      out.write(c);
    },
  });
  out.write('\n');
}
