import type { KerasImport } from '@deeprnn/keras';
import { InputError } from '../cli-errors.js';
import { readInputBytes, requireInputFile } from '../file-checks.js';

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
  try {
    if (/\.json$/i.test(path)) return await keras.readTfjsLayersModel(path);
    return keras.importKerasFile(await readInputBytes(path, what, 'model'));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${what} ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** One line per thing around the stack that the config JSON does not hold (the application rebuilds it). */
export function describeSurroundings(k: KerasImport): string[] {
  const lines: string[] = [];
  if (k.embedding !== null) lines.push(`Embedding '${k.embedding.name}' ${k.embedding.inputDim} x ${k.embedding.outputDim}${k.embedding.maskZero ? ', mask_zero (id 0 = padding -> lengths)' : ''}`);
  if (k.maskValue !== null) lines.push(`Masking mask_value ${k.maskValue} (masked steps -> lengths)`);
  if (k.goBackwards) lines.push('go_backwards: the stack runs on each sequence reversed and returns outputs in that order');
  if (k.spec.bidirectional && k.mergeMode !== 'concat') lines.push(`Bidirectional merge_mode ${k.mergeMode} on the top layer`);
  if (!k.returnSequences) lines.push('the top layer returns only its last output');
  for (const d of k.head) lines.push(`Dense '${d.name}' ${d.units} units, ${d.activation}`);
  if (k.initialStates.length > 0) lines.push(`initial-state inputs: ${k.initialStates.map((s) => s.input).join(', ')}`);
  return lines;
}
