import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { FormatError } from '@deeprnn/core';
import { type ExportTfjsOptions, type TfjsExport, exportTfjsLayers } from './export-tfjs.js';
import { type ImportOptions, importTfjsLayers, readWeightsManifest } from './import-tfjs.js';
import { importKerasFile } from './keras-file.js';
import type { KerasImport } from './types.js';

/**
 * Reads a tfjs-layers `model.json` and the shards it names (relative to it).
 *
 * @throws {@link FormatError} for unreadable files, shard paths that leave the model's directory,
 *   or a malformed model; {@link UnsupportedError} as {@link importTfjsLayers}.
 */
export async function readTfjsLayersModel(path: string, options: ImportOptions = {}): Promise<KerasImport> {
  const dir = dirname(resolve(path));
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new FormatError(`tfjs-layers: cannot read ${path} as JSON`, { cause: e });
  }
  const shards = new Map<string, Uint8Array>();
  const groups = typeof json === 'object' && json !== null ? readWeightsManifest((json as { weightsManifest?: unknown }).weightsManifest) : [];
  for (const p of groups.flatMap((g) => g.paths)) {
    const file = resolve(dir, p);
    if (!file.startsWith(dir + sep)) throw new FormatError(`tfjs-layers: shard path '${p}' leaves the model's directory`);
    try {
      shards.set(p, new Uint8Array(await readFile(file)));
    } catch (e) {
      throw new FormatError(`tfjs-layers: cannot read the shard ${file} that ${basename(path)} names`, { cause: e });
    }
  }
  return importTfjsLayers(json, (p) => shards.get(p) as Uint8Array, options);
}

/**
 * Reads a model by its file name: `model.json` (tfjs-layers), `.keras` (Keras 3) or `.h5` (Keras 2).
 *
 * @throws {@link FormatError} / {@link UnsupportedError} as the matching importer.
 */
export async function readKerasModel(path: string, options: ImportOptions = {}): Promise<KerasImport> {
  if (path.endsWith('.json')) return readTfjsLayersModel(path, options);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new FormatError(`keras: cannot read ${path}`, { cause: e });
  }
  return importKerasFile(bytes, options);
}

/**
 * Writes a tfjs-layers model (`model.json` + one shard) into `dir`, creating it.
 *
 * @returns what was written (model.json's content, the shard, the quantization error).
 * @throws {@link UnsupportedError} as {@link exportTfjsLayers}.
 */
export async function writeTfjsLayersModel(dir: string, model: Parameters<typeof exportTfjsLayers>[0], options: ExportTfjsOptions = {}): Promise<TfjsExport> {
  const e = exportTfjsLayers(model, options);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, e.weightsPath), e.weights);
  await writeFile(join(dir, 'model.json'), `${JSON.stringify(e.modelJson)}\n`);
  return e;
}
