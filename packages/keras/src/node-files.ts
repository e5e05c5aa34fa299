import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { FormatError } from '@deeprnn/core';
import { parseJson } from './bounded-fetch.js';
import { type ExportTfjsOptions, type TfjsExport, exportTfjsLayers } from './export-tfjs.js';
import { type ImportOptions, groupBytes, importTfjsLayers, readWeightsManifest } from './import-tfjs.js';
import { importKerasFile } from './keras-file.js';
import { checkWithin, readLimits } from './read-limits.js';
import type { KerasImport } from './types.js';

/**
 * Reads a regular file of at most `limit` bytes: its size is checked on the open handle before a byte
 * is read, so a huge file, a device or a FIFO (`/dev/zero`) is refused instead of read without bound.
 */
async function readFileWithin(
  path: string,
  what: string,
  limit: number,
  option: 'maxBytes' | 'maxJsonBytes',
): Promise<Uint8Array> {
  let handle;
  try {
    // Checked before opening too: opening a FIFO for reading blocks until a writer comes, forever.
    if (!(await stat(path)).isFile()) throw new FormatError(`keras: ${what} ${path} is not a regular file`);
    handle = await open(path, 'r');
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`keras: cannot read ${what} ${path}`, { cause: e });
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new FormatError(`keras: ${what} ${path} is not a regular file`);
    checkWithin(`${what} ${path}`, st.size, limit, option);
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}

/**
 * Reads a tfjs-layers `model.json` and the shards it names (relative to it).
 *
 * @throws {@link FormatError} for unreadable files, shard paths that leave the model's directory,
 *   shards whose sizes disagree with the manifest, or a malformed model; {@link SizeLimitError} for a
 *   model.json over `maxJsonBytes` or weights over `maxBytes`; {@link UnsupportedError} as
 *   {@link importTfjsLayers}.
 */
export async function readTfjsLayersModel(path: string, options: ImportOptions = {}): Promise<KerasImport> {
  const limits = readLimits(options);
  const dir = dirname(resolve(path));
  const json = parseJson(await readFileWithin(path, 'model.json', limits.maxJsonBytes, 'maxJsonBytes'), path);
  const shards = new Map<string, Uint8Array>();
  const groups =
    typeof json === 'object' && json !== null
      ? readWeightsManifest((json as { weightsManifest?: unknown }).weightsManifest, options)
      : [];
  for (const g of groups) {
    // The group's weights fix how many bytes its shards hold together: no shard is read past that.
    let left = groupBytes(g);
    for (const p of g.paths) {
      const file = resolve(dir, p);
      if (!file.startsWith(dir + sep)) throw new FormatError(`keras: shard path '${p}' leaves the model's directory`);
      const bytes = await readFileWithin(file, `the shard that ${basename(path)} names,`, left, 'maxBytes').catch(
        (e: unknown) => {
          throw e instanceof FormatError
            ? e
            : new FormatError(
                `keras: the shards of ${basename(path)} hold more bytes than its weightsManifest declares (${groupBytes(g)}); at ${file}`,
                { cause: e },
              );
        },
      );
      left -= bytes.length;
      shards.set(p, bytes);
    }
  }
  return importTfjsLayers(json, (p) => shards.get(p) as Uint8Array, options);
}

/**
 * Reads a model by its file name: `model.json` (tfjs-layers), `.keras` (Keras 3) or `.h5` (Keras 2).
 *
 * @throws {@link FormatError} / {@link UnsupportedError} as the matching importer;
 *   {@link SizeLimitError} for a file over `maxBytes`.
 */
export async function readKerasModel(path: string, options: ImportOptions = {}): Promise<KerasImport> {
  if (path.endsWith('.json')) return readTfjsLayersModel(path, options);
  return importKerasFile(await readFileWithin(path, 'Keras file', readLimits(options).maxBytes, 'maxBytes'), options);
}

/** A temp name beside `path` that no other writer picks. */
function tempBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Writes a tfjs-layers model (`model.json` + one shard) into `dir`, creating it.
 *
 * @remarks Written so that a reader never sees a half-written model, even over an existing one: both
 * files go to temp names first; then an old model.json is removed, the shard renamed into place and
 * model.json renamed last. A failure at any point leaves the old model, no model.json, or the new one.
 * @returns what was written (model.json's content, the shard, the quantization error).
 * @throws {@link UnsupportedError} as {@link exportTfjsLayers}; {@link FormatError} (file-system
 *   failure in `cause`) when `dir` cannot be created or written.
 */
export async function writeTfjsLayersModel(
  dir: string,
  model: Parameters<typeof exportTfjsLayers>[0],
  options: ExportTfjsOptions = {},
): Promise<TfjsExport> {
  const e = exportTfjsLayers(model, options);
  const shard = join(dir, e.weightsPath);
  const json = join(dir, 'model.json');
  const temps = [tempBeside(shard), tempBeside(json)] as const;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(temps[0], e.weights);
    await writeFile(temps[1], `${JSON.stringify(e.modelJson)}\n`);
    // The old model.json may name a shard of the same name: it goes first, so it never meets the new shard.
    await unlink(json).catch((err: unknown) => {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
    });
    await rename(temps[0], shard);
    await rename(temps[1], json);
  } catch (err) {
    // Cleanup is best effort: when `dir` is not a folder there is nothing to remove and rm itself fails.
    await Promise.all(temps.map((t) => rm(t, { force: true }).catch(() => undefined)));
    throw new FormatError(`keras: cannot write the tfjs-layers model into ${dir}`, { cause: err });
  }
  return e;
}
