import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MAX_BYTES, FormatError, type RnnSpec, readSafetensors } from '@deeprnn/core';
import { writeFileAtomic } from './atomic-write.js';
import { readFileWithin, readTextWithin } from './bounded-read.js';
import { MAX_JSON_BYTES } from './read-limits.js';
import { CHECKPOINT_KEY, type ReadModelOptions, checkpointFromBytes } from './checkpoint.js';
import { type LmParams, lmSpec } from './lm-model.js';
import { decodeModel, encodeModel } from './model-bytes.js';
import { type ModelSideFiles, checkLanguageModel, checkModelSideFiles, checkVocabTokens } from './model-checks.js';
import { Vocab } from './vocab.js';

/** A trained language model: the RNN spec, the vocabulary and every weight. */
export interface LanguageModel {
  /** The RNN's spec (its input size is the vocabulary size). */
  readonly spec: RnnSpec;
  /** The vocabulary: tokens by index. */
  readonly vocab: Vocab;
  /** Every weight: `rnn.`-prefixed RNN parameters and the `linear.` head. */
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
 * Loads a model folder written by {@link saveModel}, or a checkpoint file (its current weights), within
 * a size limit, and checks it can run: vocabulary, head and RNN weights against the config in the
 * weights' metadata; `config.json` and `vocab.json`, when the folder has them, must agree with it.
 *
 * @throws {@link FormatError} when neither is found, the metadata is missing or malformed, the weights
 *   do not fit it, or a side file disagrees; {@link SizeLimitError} when a file is over the limit
 *   (`maxBytes` for the weights; `config.json` and `vocab.json` at most 16 MiB or `maxBytes`).
 */
export async function loadModel(path: string, options: ReadModelOptions = {}): Promise<LanguageModel> {
  const isFolder = existsSync(path) && statSync(path).isDirectory();
  const file = isFolder ? join(path, MODEL_FILES.weights) : path;
  if (!existsSync(file)) throw new FormatError(`loadModel: no ${MODEL_FILES.weights} in ${path}`);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const raise = options.raise ?? 'pass a larger maxBytes to loadModel to read it';
  const bytes = await readFileWithin(file, { maxBytes, name: 'model file limit', raise });
  const { tensors, metadata } = readSafetensors(bytes);
  if (metadata[CHECKPOINT_KEY] !== undefined) {
    const st = checkpointFromBytes(bytes, file);
    checkVocabTokens(st.vocab, null, file);
    const model = { spec: lmSpec(st.config.model), vocab: new Vocab(st.vocab), params: st.params };
    checkLanguageModel(model, file);
    return model;
  }
  const model = decodeModel(tensors, metadata, file);
  if (isFolder) {
    const side: { -readonly [K in keyof ModelSideFiles]: ModelSideFiles[K] } = {};
    const jsonLimit = { maxBytes: Math.min(maxBytes, MAX_JSON_BYTES), name: 'JSON file limit', raise };
    for (const key of ['config', 'vocab'] as const) {
      const name = join(path, MODEL_FILES[key]);
      if (existsSync(name)) side[key] = { name, text: await readTextWithin(name, jsonLimit) };
    }
    checkModelSideFiles(model, side, file);
  }
  return model;
}
