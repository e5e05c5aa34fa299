import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, type RnnSpec, readSafetensors } from '@deeprnn/core';
import { writeFileAtomic } from './atomic-write.js';
import { CHECKPOINT_KEY, loadCheckpoint } from './checkpoint.js';
import { type LmParams, lmSpec } from './lm-model.js';
import { decodeModel, encodeModel } from './model-bytes.js';
import { Vocab } from './vocab.js';

/** A trained language model: the RNN spec, the vocabulary and every weight. */
export interface LanguageModel {
  readonly spec: RnnSpec;
  readonly vocab: Vocab;
  readonly params: LmParams;
}

/** File names inside a model folder. */
export const MODEL_FILES = { weights: 'model.safetensors', config: 'config.json', vocab: 'vocab.json' } as const;

/**
 * Saves a model folder: `model.safetensors` (weights, with config and vocabulary in its metadata),
 * `config.json` (the RNN config and head size) and `vocab.json` (tokens by index), each atomically.
 */
export async function saveModel(dir: string, model: LanguageModel): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files = encodeModel(model);
  await writeFileAtomic(join(dir, MODEL_FILES.weights), files.weights);
  await writeFileAtomic(join(dir, MODEL_FILES.config), files.config);
  await writeFileAtomic(join(dir, MODEL_FILES.vocab), files.vocab);
}

/**
 * Loads a model folder written by {@link saveModel}, or a checkpoint file (its current weights).
 *
 * @throws {@link FormatError} when neither is found or the metadata is missing.
 */
export async function loadModel(path: string): Promise<LanguageModel> {
  const file = existsSync(join(path, MODEL_FILES.weights)) ? join(path, MODEL_FILES.weights) : path;
  if (!existsSync(file)) throw new FormatError(`loadModel: no ${MODEL_FILES.weights} in ${path}`);
  const { tensors, metadata } = readSafetensors(new Uint8Array(await readFile(file)));
  if (metadata[CHECKPOINT_KEY] !== undefined) {
    const st = await loadCheckpoint(file);
    return { spec: lmSpec(st.config.model), vocab: new Vocab(st.vocab), params: st.params };
  }
  return decodeModel(tensors, metadata, file);
}
