import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small text the tests write themselves (no network, no shared data). */
export const TINY_TEXT: string = [
  'The Time Traveller (for so it will be convenient to speak of him)',
  'was expounding a recondite matter to us. His grey eyes shone and',
  'twinkled, and his usually pale face was flushed and animated. The',
  'fire burned brightly, and the soft radiance of the incandescent',
  'lights in the lilies of silver caught the bubbles that flashed and',
  'passed in our glasses.',
]
  .join('\n')
  .repeat(6);

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'deeprnn-lm-'));
}
