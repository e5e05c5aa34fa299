import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError, type RnnConfig, type RnnSpec, type Tensor, defineSpec, readSafetensors, specToConfig, tensor, writeSafetensors } from '@deeprnn/core';
import { writeFileAtomic } from './atomic-write.js';
import { CHECKPOINT_KEY, loadCheckpoint } from './checkpoint.js';
import { type LmParams, lmSpec } from './lm-model.js';
import { Vocab } from './vocab.js';

/** A trained language model: the RNN spec, the vocabulary and every weight. */
export interface LanguageModel {
  readonly spec: RnnSpec;
  readonly vocab: Vocab;
  readonly params: LmParams;
}

/** File names inside a model folder. */
export const MODEL_FILES = { weights: 'model.safetensors', config: 'config.json', vocab: 'vocab.json' } as const;

const MODEL_KEY = 'deeprnn.lm.model';

/**
 * Saves a model folder: `model.safetensors` (weights, with config and vocabulary in its metadata),
 * `config.json` (the RNN config and head size) and `vocab.json` (tokens by index), each atomically.
 */
export async function saveModel(dir: string, model: LanguageModel): Promise<void> {
  await mkdir(dir, { recursive: true });
  const config = { rnn: specToConfig(model.spec), vocabSize: model.vocab.size, head: 'linear', input: 'one-hot' };
  const meta = JSON.stringify({ format: 'deeprnn-lm-model', version: 1, ...config, vocab: model.vocab.tokens });
  await writeFileAtomic(join(dir, MODEL_FILES.weights), writeSafetensors(model.params, { [MODEL_KEY]: meta }));
  await writeFileAtomic(join(dir, MODEL_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
  await writeFileAtomic(join(dir, MODEL_FILES.vocab), `${JSON.stringify(model.vocab.tokens)}\n`);
}

function f32Params(tensors: Readonly<Record<string, Tensor>>): LmParams {
  const out: Record<string, Tensor<'float32'>> = {};
  for (const [name, t] of Object.entries(tensors)) {
    out[name] = (t.dtype === 'float32' ? t : tensor(Float32Array.from(t.data), t.shape)) as Tensor<'float32'>;
  }
  return Object.freeze(out);
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
  const raw = metadata[MODEL_KEY];
  if (raw === undefined) throw new FormatError(`loadModel: ${file} has no ${MODEL_KEY} metadata`);
  const meta = JSON.parse(raw) as { rnn: RnnConfig; vocab: string[] };
  const params: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(tensors)) params[name] = t;
  return { spec: defineSpec(meta.rnn), vocab: new Vocab(meta.vocab), params: f32Params(params) };
}
