import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, type Tensor, createReferenceBackend, readSafetensors, writeSafetensors } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_KEY,
  D2L_RECIPE,
  type TrainingState,
  checkTrainingState,
  createLmTrainer,
  d2lTrainConfig,
  initLmParams,
  initialOptimizerState,
  initialTrainingState,
  lmSpec,
  loadCheckpoint,
  saveCheckpoint,
} from '../src/node.js';
import { tempDir } from './fixtures.js';

const TOKENS = ['<unk>', ' ', 't', 'e', 'a'];
const fresh = (): TrainingState =>
  initialTrainingState(d2lTrainConfig({ mode: 'gru', vocabSize: 5, numLayers: 1, hiddenSize: 3, epochs: 2 }), TOKENS);

/** The checkpoint JSON fields these tests edit. */
interface Meta {
  config: { batch?: unknown; gradClipNorm?: unknown; clipTheta?: unknown; optimizer: { name?: unknown } };
  progress: { epoch: unknown };
  vocab: unknown;
}

/** Rewrites the JSON metadata of a saved checkpoint, keeping its tensors. */
function editMetadata(file: string, edit: (meta: Meta) => void): void {
  const { tensors, metadata } = readSafetensors(readFileSync(file));
  const meta = JSON.parse(metadata[CHECKPOINT_KEY]!) as Meta;
  edit(meta);
  const bytes = writeSafetensors(tensors as Record<string, Tensor>, { [CHECKPOINT_KEY]: JSON.stringify(meta) });
  writeFileSync(file, bytes);
}

describe('the d2l recipe', () => {
  it('is SGD lr 1, batch 32, 35 steps, sequential, clipping at 1, seed 0, 256 hidden', () => {
    const c = d2lTrainConfig({ mode: 'rnn_tanh', vocabSize: 28, numLayers: 1 });
    expect(c).toEqual({
      model: { mode: 'rnn_tanh', vocabSize: 28, hiddenSize: 256, numLayers: 1 },
      epochs: 500,
      optimizer: { name: 'sgd', lr: 1 },
      batch: 32,
      steps: 35,
      partition: 'sequential',
      gradClipNorm: 1,
      seed: 0,
    });
    expect(D2L_RECIPE.maxTokens).toBe(10000);
    expect(Object.isFrozen(D2L_RECIPE)).toBe(true);
  });
});

describe('checkpoint checks (in lm, for every caller)', () => {
  it('a saved checkpoint loads and passes', async () => {
    const file = join(tempDir(), 'c.safetensors');
    await saveCheckpoint(file, fresh());
    const st = await loadCheckpoint(file);
    expect(st.config.gradClipNorm).toBe(1);
    expect(() => checkTrainingState(st, 'here')).not.toThrow();
  });

  it('reads a checkpoint written before the rename (clipTheta) as gradClipNorm', async () => {
    const file = join(tempDir(), 'old.safetensors');
    await saveCheckpoint(file, fresh());
    editMetadata(file, (meta) => {
      meta.config.clipTheta = 0.25;
      delete meta.config.gradClipNorm;
    });
    const st = await loadCheckpoint(file);
    expect(st.config.gradClipNorm).toBe(0.25);
    expect('clipTheta' in st.config).toBe(false);
  });

  it.each([
    [
      'config.batch',
      (m: Meta) => {
        m.config.batch = 0;
      },
      /config\.batch: expected an integer >= 1, got 0/,
    ],
    [
      'config.gradClipNorm',
      (m: Meta) => {
        m.config.gradClipNorm = -1;
      },
      /config\.gradClipNorm: expected null or a number > 0, got -1/,
    ],
    [
      'config.optimizer.name',
      (m: Meta) => {
        delete m.config.optimizer.name;
      },
      /config\.optimizer\.name: expected sgd or adam, got nothing/,
    ],
    [
      'progress.epoch',
      (m: Meta) => {
        m.progress.epoch = -1;
      },
      /progress\.epoch: expected an integer >= 0, got -1/,
    ],
    [
      'history',
      (m: Meta) => {
        m.progress.epoch = 1;
      },
      /history: expected one record per finished epoch \(1\), got 0/,
    ],
    [
      'vocab',
      (m: Meta) => {
        m.vocab = ['<unk>', 't', 't', 'e', 'a'];
      },
      /vocab: expected distinct tokens/,
    ],
  ])('refuses a bad %s with a FormatError naming it', async (_, edit, says) => {
    const file = join(tempDir(), 'bad.safetensors');
    await saveCheckpoint(file, fresh());
    editMetadata(file, edit);
    const e = await loadCheckpoint(file).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FormatError);
    expect((e as Error).message).toMatch(says);
    expect((e as Error).message).toContain(`checkpoint ${file}: `);
  });
});

describe('createLmTrainer asks core for the one answer', () => {
  it('refuses a spec the backend runs but does not train, with its reason', async () => {
    const spec = lmSpec({ mode: 'gru', vocabSize: 3, hiddenSize: 2, numLayers: 1 });
    const picky = { ...createReferenceBackend(), name: 'picky', unsupportedTraining: () => 'picky: no gru training' };
    await expect(
      createLmTrainer(picky, spec, {
        params: initLmParams(spec, 3, 0),
        optimizer: { name: 'sgd', lr: 1 },
        optimizerState: initialOptimizerState(),
        gradClipNorm: null,
      }),
    ).rejects.toThrow(/picky cannot train this model: picky: no gru training/);
  });
});
