import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SizeLimitError } from '@deeprnn/core';
import { type LanguageModel, MODEL_FILES, type TrainingState, loadCheckpoint, loadModel } from '@deeprnn/lm/node';
import { InputError } from './cli-errors.js';
import { inputLimit, requireInputPath } from './file-checks.js';

// Checkpoints and saved models are checked field by field when they are read, so that a hand-edited
// or damaged file is refused with the field's name instead of training or sampling something else.
// The checks live in @deeprnn/lm (loadCheckpoint, loadModel), shared with the playground page; the CLI
// only turns their FormatError into an InputError (exit 3) that names the flag.

/** The error's message without a leading `<path>: ` (our line names the file already). */
function why(e: unknown, path = ''): string {
  const text = e instanceof Error ? e.message : String(e);
  return path !== '' && text.startsWith(`${path}: `) ? text.slice(path.length + 2) : text;
}

/**
 * A read refused by its size limit (or because the path is a device or FIFO) names the flag; a field
 * check of @deeprnn/lm (its message starts with `where`) is kept as is; anything else says what was expected.
 */
function refused(e: unknown, what: string, where: string, expected: string, path: string): InputError {
  if (e instanceof SizeLimitError) return new InputError(`${what}: ${e.message}`, { cause: e });
  if (e instanceof Error && e.message.startsWith(`${where}: `)) return new InputError(e.message, { cause: e });
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
    throw new InputError(
      `--model: expected a folder written by \`deeprnn train\` (with ${MODEL_FILES.weights}) or a checkpoint file, got ${path} without ${MODEL_FILES.weights}`,
    );
  }
  const file = isFolder ? join(path, MODEL_FILES.weights) : path;
  const limit = inputLimit('model');
  try {
    return await loadModel(path, limit);
  } catch (e) {
    throw refused(e, '--model', `model ${file}`, 'a deeprnn language model', file);
  }
}
