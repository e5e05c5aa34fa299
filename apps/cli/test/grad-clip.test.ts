import { describe, expect, it } from 'vitest';
import { type RecipeFlags, checkClipAlias, recipeFromFlags } from '../src/commands/train.js';

const FLAGS: RecipeFlags = {
  mode: 'rnn_tanh',
  hidden: '8',
  epochs: '1',
  lr: '1',
  optimizer: 'sgd',
  batch: '2',
  steps: '3',
  maxTokens: '0',
  partition: 'sequential',
  dropout: '0',
  seed: '0',
  prefix: 'a',
  sampleEvery: '0',
};

describe('--grad-clip (TrainerInit.gradClipNorm), with --clip as its old name', () => {
  it("defaults to d2l's 1; 0 turns clipping off", () => {
    expect(recipeFromFlags(FLAGS, 1, 5).gradClipNorm).toBe(1);
    expect(recipeFromFlags({ ...FLAGS, gradClip: '0.5' }, 1, 5).gradClipNorm).toBe(0.5);
    expect(recipeFromFlags({ ...FLAGS, gradClip: '0' }, 1, 5).gradClipNorm).toBeNull();
  });

  it('--clip sets the same threshold and says once, on one line, that it is the old name', () => {
    const lines: string[] = [];
    checkClipAlias({ clip: '0.25' }, (l) => lines.push(l));
    checkClipAlias({ clip: '0.25' }, (l) => lines.push(l));
    expect(lines).toEqual([
      'note: --clip is the old name of --grad-clip (global gradient-norm clipping); use --grad-clip',
    ]);
    expect(recipeFromFlags({ ...FLAGS, clip: '0.25' }, 1, 5).gradClipNorm).toBe(0.25);
    expect(() => checkClipAlias({ gradClip: '1' }, () => expect.unreachable())).not.toThrow();
  });

  it('refuses --clip and --grad-clip that disagree, and a bad value under the name given', () => {
    expect(() => checkClipAlias({ clip: '0.5', gradClip: '1' })).toThrow(
      '--clip 0.5 and --grad-clip 1 disagree; give --grad-clip only',
    );
    expect(() => recipeFromFlags({ ...FLAGS, gradClip: '-1' }, 1, 5)).toThrow(
      "--grad-clip must be a non-negative number, got '-1'",
    );
    expect(() => recipeFromFlags({ ...FLAGS, clip: 'x' }, 1, 5)).toThrow(
      "--clip must be a non-negative number, got 'x'",
    );
  });
});
