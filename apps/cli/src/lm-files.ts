import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RNN_MODES, SizeLimitError } from '@deeprnn/core';
import { type LanguageModel, MODEL_FILES, type TrainingState, checkVocabTokens, loadCheckpoint, loadModel, lmSpec } from '@deeprnn/lm/node';
import { InputError } from './cli-errors.js';
import { inputLimit, requireInputPath } from './file-checks.js';

// Checkpoints and saved models are checked field by field when they are read, so that a hand-edited
// or damaged file is refused with the field's name instead of training or sampling something else.
// A saved model's own checks (vocabulary, head, finite weights, config.json and vocab.json against the
// weights) live in @deeprnn/lm, shared with the playground page; the CLI adds the checkpoint's fields.

type Check = (value: unknown) => boolean;
const isInt = (min: number): Check => (v) => Number.isSafeInteger(v) && (v as number) >= min;
const isNumber = (min: number): Check => (v) => typeof v === 'number' && Number.isFinite(v) && v >= min;
const isOneOf = (values: readonly string[]): Check => (v) => typeof v === 'string' && values.includes(v);

/** Each field a checkpoint must hold: dotted path, check, and what was expected (for the message). */
const CHECKPOINT_FIELDS: readonly (readonly [string, Check, string])[] = [
  ['config.model.mode', isOneOf(RNN_MODES), `one of ${RNN_MODES.join(', ')}`],
  ['config.model.vocabSize', isInt(2), 'an integer >= 2'],
  ['config.model.hiddenSize', isInt(1), 'an integer >= 1'],
  ['config.model.numLayers', isInt(1), 'an integer >= 1'],
  ['config.epochs', isInt(1), 'an integer >= 1'],
  ['config.optimizer.name', isOneOf(['sgd', 'adam']), 'sgd or adam'],
  ['config.optimizer.lr', isNumber(0), 'a number >= 0'],
  ['config.batch', isInt(1), 'an integer >= 1'],
  ['config.steps', isInt(1), 'an integer >= 1'],
  ['config.partition', isOneOf(['sequential', 'random']), 'sequential or random'],
  ['config.clipTheta', (v) => v === null || (isNumber(0)(v) && (v as number) > 0), 'null or a number > 0'],
  ['config.seed', isInt(0), 'an integer >= 0'],
  ['optimizerState.step', isInt(0), 'an integer >= 0'],
  ['progress.epoch', isInt(0), 'an integer >= 0'],
  ['progress.batchIndex', isInt(0), 'an integer >= 0'],
  ['progress.lossSum', isNumber(0), 'a number >= 0'],
  ['progress.tokens', isInt(0), 'an integer >= 0'],
  ['progress.seconds', isNumber(0), 'a number >= 0'],
  ['history', Array.isArray, 'an array'],
];

function field(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const key of path.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

function shown(v: unknown): string {
  return v === undefined ? 'nothing (the field is missing)' : JSON.stringify(v);
}

/** The error's message without a leading `<path>: ` (our line names the file already). */
function why(e: unknown, path = ''): string {
  const text = e instanceof Error ? e.message : String(e);
  return path !== '' && text.startsWith(`${path}: `) ? text.slice(path.length + 2) : text;
}

/** Refuses a vocabulary that is not a list of distinct single characters after `<unk>` (the check of @deeprnn/lm). */
function checkVocab(tokens: unknown, size: number | null, where: string): void {
  try {
    checkVocabTokens(tokens, size, where);
  } catch (e) {
    throw new InputError(why(e), { cause: e });
  }
}

/** Checks the fields of a loaded training state; throws {@link InputError} naming the first bad one. */
export function checkTrainingState(st: TrainingState, where: string): void {
  for (const [path, isValid, expected] of CHECKPOINT_FIELDS) {
    const v = field(st, path);
    if (!isValid(v)) throw new InputError(`${where}: ${path}: expected ${expected}, got ${shown(v)}`);
  }
  checkVocab(st.vocab, st.config.model.vocabSize, where);
  const last = st.history.at(-1);
  if (st.history.length !== st.progress.epoch || (last !== undefined && last.epoch !== st.progress.epoch)) {
    throw new InputError(`${where}: history: expected one record per finished epoch (${st.progress.epoch}), got ${st.history.length}`);
  }
  try {
    lmSpec(st.config.model);
  } catch (e) {
    throw new InputError(`${where}: config.model: ${why(e)}`, { cause: e });
  }
}

/** A read refused by its size limit (or because the path is a device or FIFO) names the flag; anything else says what was expected. */
function refused(e: unknown, what: string, where: string, expected: string, path: string): InputError {
  if (e instanceof SizeLimitError) return new InputError(`${what}: ${e.message}`, { cause: e });
  return new InputError(`${where}: expected ${expected}: ${why(e, path)}`, { cause: e });
}

/** Reads and checks a training checkpoint, within the model file limit. */
export async function readCheckpoint(path: string, what = '--resume'): Promise<TrainingState> {
  const where = `checkpoint ${path}`;
  const limit = inputLimit('model');
  let st: TrainingState;
  try {
    st = await loadCheckpoint(path, limit);
  } catch (e) {
    throw refused(e, what, where, 'a deeprnn LM checkpoint', path);
  }
  checkTrainingState(st, where);
  return st;
}

/**
 * Reads and checks a model folder written by `deeprnn train` (or a checkpoint file), within the model
 * file limit; @deeprnn/lm's `loadModel` checks the weights, the vocabulary and the side files.
 */
export async function readLanguageModel(path: string): Promise<LanguageModel> {
  requireInputPath(path, '--model');
  const isFolder = statSync(path).isDirectory();
  if (isFolder && !existsSync(join(path, MODEL_FILES.weights))) {
    throw new InputError(`--model: expected a folder written by \`deeprnn train\` (with ${MODEL_FILES.weights}) or a checkpoint file, got ${path} without ${MODEL_FILES.weights}`);
  }
  const file = isFolder ? join(path, MODEL_FILES.weights) : path;
  const limit = inputLimit('model');
  try {
    return await loadModel(path, limit);
  } catch (e) {
    throw refused(e, '--model', `model ${file}`, 'a deeprnn language model', file);
  }
}
