import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RNN_MODES } from '@deeprnn/core';
import { HEAD_WEIGHT, type LanguageModel, MODEL_FILES, type TrainingState, loadCheckpoint, loadModel, lmSpec } from '@deeprnn/lm/node';
import { InputError } from './cli-errors.js';
import { requireInputPath } from './file-checks.js';

// Checkpoints and saved models are checked field by field when they are read, so that a hand-edited
// or damaged file is refused with the field's name instead of training or sampling something else.

/** The metadata key of a saved model (packages/lm/src/saved-model.ts). */
const SAVED_MODEL_KEY = 'deeprnn.lm.model';

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

/** Refuses a vocabulary that is not a list of distinct strings of the expected size. */
function checkVocab(tokens: unknown, size: number | null, where: string): void {
  if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) throw new InputError(`${where}: vocab: expected a list of strings, got ${shown(tokens)}`);
  const seen = new Set<string>();
  for (const t of tokens as string[]) {
    if (seen.has(t)) throw new InputError(`${where}: vocab: expected distinct tokens, got ${JSON.stringify(t)} twice`);
    seen.add(t);
  }
  if (size !== null && tokens.length !== size) throw new InputError(`${where}: vocab: expected ${size} tokens (the model's vocabulary size), got ${tokens.length}`);
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

/** Reads and checks a training checkpoint. */
export async function readCheckpoint(path: string): Promise<TrainingState> {
  const where = `checkpoint ${path}`;
  let st: TrainingState;
  try {
    st = await loadCheckpoint(path);
  } catch (e) {
    throw new InputError(`${where}: expected a deeprnn LM checkpoint: ${why(e, path)}`, { cause: e });
  }
  checkTrainingState(st, where);
  return st;
}

/**
 * The JSON metadata of a saved model's safetensors header (the header only: the weights can be large),
 * or null when the file has none under the model key (a checkpoint, say).
 */
function savedModelMetadata(file: string): unknown {
  const fd = openSync(file, 'r');
  try {
    const size = Buffer.alloc(8);
    if (readSync(fd, size, 0, 8, 0) < 8) return null;
    const length = Number(size.readBigUInt64LE(0));
    if (length > 100 * 2 ** 20 || length > statSync(file).size) return null;
    const header = Buffer.alloc(length);
    readSync(fd, header, 0, length, 8);
    const meta = (JSON.parse(header.toString('utf8')) as { __metadata__?: Record<string, string> }).__metadata__?.[SAVED_MODEL_KEY];
    return meta === undefined ? null : JSON.parse(meta);
  } catch {
    return null; // loadModel says what is wrong with the file itself
  } finally {
    closeSync(fd);
  }
}

/** The fields of a saved model's metadata that loading relies on. */
function checkSavedModelFields(file: string, where: string): void {
  const meta = savedModelMetadata(file);
  if (meta === null) return;
  const rnn = field(meta, 'rnn');
  if (typeof rnn !== 'object' || rnn === null) throw new InputError(`${where}: rnn: expected the RNN config object, got ${shown(rnn)}`);
  checkVocab(field(meta, 'vocab'), null, where);
}

/** Reads and checks a model folder written by `deeprnn train` (or a checkpoint file). */
export async function readLanguageModel(path: string): Promise<LanguageModel> {
  requireInputPath(path, '--model');
  const isFolder = statSync(path).isDirectory();
  if (isFolder && !existsSync(join(path, MODEL_FILES.weights))) {
    throw new InputError(`--model: expected a folder written by \`deeprnn train\` (with ${MODEL_FILES.weights}) or a checkpoint file, got ${path} without ${MODEL_FILES.weights}`);
  }
  const file = isFolder ? join(path, MODEL_FILES.weights) : path;
  const where = `model ${file}`;
  checkSavedModelFields(file, where);
  let lm: LanguageModel;
  try {
    lm = await loadModel(path);
  } catch (e) {
    throw new InputError(`${where}: expected a deeprnn language model: ${why(e, file)}`, { cause: e });
  }
  const head = lm.params[HEAD_WEIGHT];
  checkVocab(lm.vocab.tokens, head?.shape[0] ?? null, where);
  return lm;
}
