import { type RnnConfig, FormatError, type RnnSpec, defineSpec, specToConfig, validateParams } from '@deeprnn/core';
import { HEAD_BIAS, HEAD_WEIGHT, type LmParams, RNN_PREFIX, headInputSize, rnnParamsOf } from './lm-model.js';
import { UNK } from './vocab.js';

// A saved model is read from files a user can edit or damage. Everything `generate` relies on is
// checked here, once, for the CLI and the page alike: otherwise a wrong head shape or a NaN weight
// samples garbage with no error, and a missing head crashes on `undefined`.

function shown(v: unknown): string {
  return v === undefined ? 'nothing (the field is missing)' : JSON.stringify(v);
}

/**
 * Refuses a vocabulary that is not what a character model needs: a list of distinct strings, `<unk>`
 * at index 0 (what unknown characters map to) and exactly one character (one code point) everywhere else.
 *
 * @param tokens - the vocabulary as read (unknown: it comes from a file).
 * @param size - the size the model expects, or null when nothing fixes it.
 * @param where - names the file in the message.
 * @throws {@link @deeprnn/core!FormatError | FormatError} naming the first bad token and its index.
 */
export function checkVocabTokens(tokens: unknown, size: number | null, where: string): asserts tokens is string[] {
  if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string'))
    throw new FormatError(`${where}: vocab: expected a list of strings, got ${shown(tokens)}`);
  const seen = new Set<string>();
  (tokens as string[]).forEach((t, i) => {
    if (seen.has(t)) throw new FormatError(`${where}: vocab: expected distinct tokens, got ${JSON.stringify(t)} twice`);
    seen.add(t);
    if (i === 0 && t !== UNK)
      throw new FormatError(`${where}: vocab: expected ${JSON.stringify(UNK)} at index 0, got ${JSON.stringify(t)}`);
    if (i > 0 && [...t].length !== 1) {
      throw new FormatError(
        `${where}: vocab: expected one character per token, got ${JSON.stringify(t)} (${[...t].length} characters) at index ${i}`,
      );
    }
  });
  if (size !== null && tokens.length !== size)
    throw new FormatError(
      `${where}: vocab: expected ${size} tokens (the model's vocabulary size), got ${tokens.length}`,
    );
}

function shapeText(shape: readonly number[] | undefined): string {
  return shape === undefined ? 'nothing (the tensor is missing)' : `[${shape.join(', ')}]`;
}

/**
 * Checks that a language model can run: the vocabulary (see {@link checkVocabTokens}) matches the
 * one-hot input, the RNN weights match the spec, the head is `linear.weight` [V, F] and `linear.bias`
 * [V], nothing else is there, and every weight is finite.
 *
 * @param where - names the file in the message.
 * @throws {@link @deeprnn/core!FormatError | FormatError} naming the tensor or field and what was expected.
 */
export function checkLanguageModel(
  model: { readonly spec: RnnSpec; readonly vocab: { readonly tokens: readonly string[] }; readonly params: LmParams },
  where: string,
): void {
  const V = model.spec.inputSize;
  checkVocabTokens(model.vocab.tokens, V, where);
  const F = headInputSize(model.spec);
  const W = model.params[HEAD_WEIGHT];
  const b = model.params[HEAD_BIAS];
  if (W?.shape.length !== 2 || W.shape[0] !== V || W.shape[1] !== F || W.data.length !== V * F) {
    throw new FormatError(
      `${where}: ${HEAD_WEIGHT}: expected shape [${V}, ${F}] (vocabulary x ${F} RNN outputs), got ${shapeText(W?.shape)}`,
    );
  }
  if (b?.shape.length !== 1 || b.shape[0] !== V || b.data.length !== V) {
    throw new FormatError(`${where}: ${HEAD_BIAS}: expected shape [${V}] (the vocabulary), got ${shapeText(b?.shape)}`);
  }
  for (const name of Object.keys(model.params)) {
    if (name !== HEAD_WEIGHT && name !== HEAD_BIAS && !name.startsWith(RNN_PREFIX))
      throw new FormatError(`${where}: unexpected tensor ${name}`);
  }
  for (const [name, t] of [
    [HEAD_WEIGHT, W],
    [HEAD_BIAS, b],
  ] as const) {
    const i = t.data.findIndex((x) => !Number.isFinite(x));
    if (i >= 0) throw new FormatError(`${where}: ${name}[${i}] is ${t.data[i]}, expected finite weights`);
  }
  try {
    validateParams(model.spec, rnnParamsOf(model.params));
  } catch (e) {
    throw new FormatError(`${where}: ${RNN_PREFIX}*: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The side files of a saved model folder, as text, each with the name to report it by. */
export interface ModelSideFiles {
  /** `config.json`; absent when the folder has none. */
  readonly config?: {
    /** The name to report the file by in errors. */
    readonly name: string;
    /** The file's content. */
    readonly text: string;
  };
  /** `vocab.json`; absent when the folder has none. */
  readonly vocab?: {
    /** The name to report the file by in errors. */
    readonly name: string;
    /** The file's content. */
    readonly text: string;
  };
}

/** A config as `saveModel` would write it (defaults filled in), or the value itself when it is not one. */
function normalRnn(v: unknown): unknown {
  try {
    return specToConfig(defineSpec(v as RnnConfig));
  } catch {
    return v;
  }
}

function parseJson(file: { readonly name: string; readonly text: string }): unknown {
  try {
    return JSON.parse(file.text);
  } catch (e) {
    throw new FormatError(`${file.name}: expected JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * Checks `config.json` and `vocab.json` against the model read from `model.safetensors`. The weights
 * file is the source of truth (its metadata is written with the weights, in one atomic file); the
 * side files are readable copies, so a copy that disagrees means the folder was edited or mixed up,
 * and is refused rather than silently ignored. A missing side file is fine.
 *
 * @throws {@link @deeprnn/core!FormatError | FormatError} naming the file, the field and both values.
 */
export function checkModelSideFiles(
  model: { readonly spec: RnnSpec; readonly vocab: { readonly tokens: readonly string[] } },
  files: ModelSideFiles,
  weightsName: string,
): void {
  if (files.config) {
    const c = parseJson(files.config) as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null || Array.isArray(c))
      throw new FormatError(`${files.config.name}: expected a JSON object, got ${shown(c)}`);
    const want: Record<string, unknown> = {
      rnn: specToConfig(model.spec),
      vocabSize: model.vocab.tokens.length,
      head: 'linear',
      input: 'one-hot',
    };
    for (const [key, value] of Object.entries(want)) {
      if (canonical(key === 'rnn' ? normalRnn(c[key]) : c[key]) !== canonical(value)) {
        throw new FormatError(
          `${files.config.name}: ${key} is ${shown(c[key])}, but ${weightsName} holds ${JSON.stringify(value)}`,
        );
      }
    }
  }
  if (files.vocab) {
    const v = parseJson(files.vocab);
    if (canonical(v) !== canonical(model.vocab.tokens)) {
      const n = Array.isArray(v) ? `${v.length} tokens` : shown(v);
      throw new FormatError(
        `${files.vocab.name}: differs from the vocabulary in ${weightsName} (${n}; expected the ${model.vocab.tokens.length} tokens stored with the weights)`,
      );
    }
  }
}
