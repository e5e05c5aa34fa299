import { FormatError, RNN_MODES } from '@deeprnn/core';
import { lmSpec } from './lm-model.js';
import { checkVocabTokens } from './model-checks.js';
import type { TrainingState } from './training-state.js';

// A checkpoint is read from a file a user can edit or damage: every field the run relies on is
// checked here, once, so that a hand-edited file is refused with the field's name instead of
// training something else (the CLI and any other caller get the same checks).

type Check = (value: unknown) => boolean;
const isInt =
  (min: number): Check =>
  (v) =>
    Number.isSafeInteger(v) && (v as number) >= min;
const isNumber =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min;
const isOneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);

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
  ['config.gradClipNorm', (v) => v === null || (isNumber(0)(v) && (v as number) > 0), 'null or a number > 0'],
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
  for (const key of path.split('.'))
    v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

function shown(v: unknown): string {
  return v === undefined ? 'nothing (the field is missing)' : JSON.stringify(v);
}

/**
 * Checks the fields of a training state read from a file: the recipe, the optimizer step, the
 * progress, one history record per finished epoch, the vocabulary and the model config.
 *
 * @param st - the state as read (its fields may be anything).
 * @param where - names the file in the message, e.g. `checkpoint run/checkpoint.safetensors`.
 * @throws {@link @deeprnn/core!FormatError | FormatError} naming the first bad field, what was expected and what
 *   arrived.
 */
export function checkTrainingState(st: TrainingState, where: string): void {
  for (const [path, isValid, expected] of CHECKPOINT_FIELDS) {
    const v = field(st, path);
    if (!isValid(v)) throw new FormatError(`${where}: ${path}: expected ${expected}, got ${shown(v)}`);
  }
  checkVocabTokens(st.vocab, st.config.model.vocabSize, where);
  const last = st.history.at(-1);
  if (st.history.length !== st.progress.epoch || (last !== undefined && last.epoch !== st.progress.epoch)) {
    throw new FormatError(
      `${where}: history: expected one record per finished epoch (${st.progress.epoch}), got ${st.history.length}`,
    );
  }
  try {
    lmSpec(st.config.model);
  } catch (e) {
    throw new FormatError(`${where}: config.model: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
