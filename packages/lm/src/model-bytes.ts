import {
  FormatError,
  type RnnConfig,
  type RnnSpec,
  type Tensor,
  defineSpec,
  readSafetensors,
  specToConfig,
  tensor,
  writeSafetensors,
} from '@deeprnn/core';
import type { LmParams } from './lm-model.js';
import { checkLanguageModel, checkVocabTokens } from './model-checks.js';
import type { LanguageModel } from './saved-model.js';
import { Vocab } from './vocab.js';

/** The safetensors metadata key holding a saved model's config and vocabulary. */
export const MODEL_KEY = 'deeprnn.lm.model';

/** The three files of a saved model, as bytes and text (what `saveModel` writes, what a page downloads). */
export interface ModelFiles {
  /** `model.safetensors`: weights, with config and vocabulary in its metadata. */
  readonly weights: Uint8Array;
  /** `config.json`: the RNN config and head size. */
  readonly config: string;
  /** `vocab.json`: tokens by index. */
  readonly vocab: string;
}

/** Encodes a model as its saved files (no file system: browser-safe). */
export function encodeModel(model: LanguageModel): ModelFiles {
  const config = { rnn: specToConfig(model.spec), vocabSize: model.vocab.size, head: 'linear', input: 'one-hot' };
  const meta = JSON.stringify({ format: 'deeprnn-lm-model', version: 1, ...config, vocab: model.vocab.tokens });
  return {
    weights: writeSafetensors(model.params, { [MODEL_KEY]: meta }),
    config: `${JSON.stringify(config, null, 2)}\n`,
    vocab: `${JSON.stringify(model.vocab.tokens)}\n`,
  };
}

function f32Params(tensors: Readonly<Record<string, Tensor>>): LmParams {
  const out: Record<string, Tensor<'float32'>> = {};
  for (const [name, t] of Object.entries(tensors)) {
    out[name] = (t.dtype === 'float32' ? t : tensor(Float32Array.from(t.data), t.shape)) as Tensor<'float32'>;
  }
  return Object.freeze(out);
}

/**
 * Decodes the tensors and metadata of a saved model's `model.safetensors`, and checks that the result
 * can run (vocabulary, head and RNN weights: see {@link checkLanguageModel}).
 *
 * @param source - names the file in errors.
 * @throws {@link @deeprnn/core!FormatError | FormatError} when the metadata is missing or malformed, or the weights do
 *   not fit it.
 */
export function decodeModel(
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>>,
  source: string,
): LanguageModel {
  const raw = metadata[MODEL_KEY];
  if (raw === undefined)
    throw new FormatError(`${source} has no ${MODEL_KEY} metadata (expected a model saved by deeprnn)`);
  let meta: unknown;
  try {
    meta = JSON.parse(raw);
  } catch (e) {
    throw new FormatError(`${source}: the ${MODEL_KEY} metadata is not JSON`, { cause: e });
  }
  const rnn = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>).rnn : undefined;
  if (typeof rnn !== 'object' || rnn === null) {
    throw new FormatError(
      `${source}: rnn: expected the RNN config object, got ${rnn === undefined ? 'nothing (the field is missing)' : JSON.stringify(rnn)}`,
    );
  }
  const vocab = (meta as Record<string, unknown>).vocab;
  checkVocabTokens(vocab, null, source);
  let spec: RnnSpec;
  try {
    spec = defineSpec(rnn as RnnConfig);
  } catch (e) {
    throw new FormatError(`${source}: rnn: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const model = { spec, vocab: new Vocab(vocab), params: f32Params(tensors) };
  checkLanguageModel(model, source);
  return model;
}

/** Reads a saved model from the bytes of its `model.safetensors` (browser-safe). */
export function modelFromSafetensors(bytes: Uint8Array, source = 'model.safetensors'): LanguageModel {
  const { tensors, metadata } = readSafetensors(bytes);
  return decodeModel(tensors, metadata, source);
}
