import { SizeLimitError } from '@deeprnn/core';
import type { KerasImport } from '@deeprnn/keras';
import { InputError } from '../cli-errors.js';
import { MAX_INPUT_BYTES_ENV, inputLimit, readInputBytes, requireInputFile } from '../file-checks.js';

/** True for the files `deeprnn import` reads with @deeprnn/keras: tfjs-layers model.json, .keras, .h5. */
export function isKerasModelPath(path: string): boolean {
  return /\.(json|keras|h5|hdf5)$/i.test(path);
}

/**
 * Reads a tfjs-layers model.json (with its shards), a Keras 3 .keras or a Keras 2 .h5; every failure
 * (missing file, malformed file, a Keras feature deeprnn refuses) becomes one InputError naming the file.
 */
export async function readKerasForCli(path: string, what: string): Promise<KerasImport> {
  requireInputFile(path, what);
  const keras = await import('@deeprnn/keras/node');
  // DEEPRNN_MAX_INPUT_BYTES bounds what a file inflates to (zip entries, HDF5 datasets, shards), not only its size.
  const limits = { maxBytes: inputLimit('model').maxBytes, maxJsonBytes: inputLimit('json').maxBytes };
  try {
    if (/\.json$/i.test(path)) return await keras.readTfjsLayersModel(path, limits);
    return keras.importKerasFile(await readInputBytes(path, what, 'model'), limits);
  } catch (e) {
    if (e instanceof InputError) throw e;
    // The package names its option; a CLI user raises the limit with the environment variable instead.
    const message =
      e instanceof SizeLimitError
        ? e.message.replace(/pass a larger `\w+` to allow more/, `set ${MAX_INPUT_BYTES_ENV}=BYTES to allow more`)
        : e instanceof Error
          ? e.message
          : String(e);
    throw new InputError(`${what} ${path}: ${message}`, { cause: e });
  }
}

/** One line per thing around the stack that the config JSON does not hold (the application rebuilds it). */
export function describeSurroundings(k: KerasImport): string[] {
  const lines: string[] = [];
  if (k.embedding !== null)
    lines.push(
      `Embedding '${k.embedding.name}' ${k.embedding.inputDim} x ${k.embedding.outputDim}${k.embedding.maskZero ? ', mask_zero (id 0 = padding -> lengths)' : ''}`,
    );
  if (k.maskValue !== null) lines.push(`Masking mask_value ${k.maskValue} (masked steps -> lengths)`);
  if (k.goBackwards)
    lines.push('go_backwards: the stack runs on each sequence reversed and returns outputs in that order');
  if (k.spec.bidirectional && k.mergeMode !== 'concat')
    lines.push(`Bidirectional merge_mode ${k.mergeMode} on the top layer`);
  if (!k.returnSequences) lines.push('the top layer returns only its last output');
  for (const d of k.head) lines.push(`Dense '${d.name}' ${d.units} units, ${d.activation}`);
  if (k.initialStates.length > 0) lines.push(`initial-state inputs: ${k.initialStates.map((s) => s.input).join(', ')}`);
  return lines;
}
