import type { Tensor } from '@deeprnn/core';
import { fetchWithin, parseJson } from './bounded-fetch.js';
import { isRecord, malformed } from './config-fields.js';
import { type LayerWeights, importKerasConfig } from './import-model.js';
import { type KerasReadLimits, checkWithin, readLimits } from './read-limits.js';
import type { KerasImport } from './types.js';
import { type WeightSpec, type WeightsGroup, checkWeightSpec, decodeWeights, weightBytes } from './weights-manifest.js';

/** Options for the tfjs-layers and Keras importers: the Keras version and the size limits. */
export interface ImportOptions extends KerasReadLimits {
  /** Overrides the file's `keras_version` (it picks hard_sigmoid's slope: Keras 3 differs). */
  readonly kerasVersion?: string;
}

/** What tfjs' `model.save` hands a save handler (tfjs `ModelArtifacts`), the parts deeprnn reads. */
export interface TfjsArtifacts {
  /** The Keras model config (model.json's `modelTopology`). */
  readonly modelTopology: unknown;
  /** The manifest entries of the weights, in the order of `weightData`; each is checked as it is read. */
  readonly weightSpecs: readonly unknown[];
  /** The weights' bytes, back to back: one buffer, or several shards to concatenate. */
  readonly weightData: ArrayBuffer | readonly ArrayBuffer[] | Uint8Array;
}

/** Weights by layer: every manifest name `<layer>/...`, in manifest order (Keras' weight order). */
export function weightsByLayerPrefix(all: ReadonlyMap<string, Tensor>, used?: Set<string>): LayerWeights {
  return (layer) =>
    [...all]
      .filter(([name]) => name.startsWith(`${layer.name}/`))
      .map(([name, t]) => {
        used?.add(name);
        return t;
      });
}

/**
 * Imports a topology with its decoded weights and refuses weights no layer took: tfjs' own loader
 * (strict) refuses them too, and a silently ignored weight usually means the wrong file was paired.
 */
function importWithAll(topology: unknown, all: ReadonlyMap<string, Tensor>, options: ImportOptions): KerasImport {
  const used = new Set<string>();
  const imported = importKerasConfig(topology, weightsByLayerPrefix(all, used), options.kerasVersion ?? null);
  const extra = [...all.keys()].filter((n) => !used.has(n));
  if (extra.length > 0)
    malformed(
      `the weights manifest has ${extra.length} weight(s) no layer of the model uses: ${extra.slice(0, 5).join(', ')}`,
    );
  return imported;
}

/**
 * Refuses a shard path that is not a plain relative file path: tfjs' converter writes file names
 * beside model.json, and a path with a scheme, a leading slash or a `..` segment would read (or
 * fetch) something that is not part of the model, such as `../../etc/passwd` or another host.
 */
function checkShardPath(p: string, where: string): void {
  if (
    p === '' ||
    /^[a-z][a-z0-9+.-]*:/i.test(p) ||
    /^[/\\]/.test(p) ||
    p.split(/[/\\]/).includes('..') ||
    p.includes('\0')
  ) {
    malformed(
      `${where}: shard path ${JSON.stringify(p)} must be a relative path beside model.json (no scheme, leading slash or '..')`,
    );
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function toBytes(data: TfjsArtifacts['weightData']): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return concat(data.map((b) => new Uint8Array(b)));
}

/** Bytes a manifest group's shards must hold together. */
export function groupBytes(group: WeightsGroup): number {
  return group.weights.reduce((n, w) => n + weightBytes(w), 0);
}

/**
 * Checks a model.json's `weightsManifest`: its shapes, dtypes, quantization and shard paths, and that
 * the weights it declares fit in `maxBytes` (before any shard is read).
 *
 * @throws {@link @deeprnn/core!FormatError | FormatError} for a malformed manifest;
 *   {@link @deeprnn/core!SizeLimitError | SizeLimitError} over the limit.
 */
export function readWeightsManifest(raw: unknown, limits: KerasReadLimits = {}): WeightsGroup[] {
  if (!Array.isArray(raw)) malformed('model.json has no weightsManifest list');
  const groups = raw.map((g, i): WeightsGroup => {
    if (
      !isRecord(g) ||
      !Array.isArray(g.paths) ||
      !Array.isArray(g.weights) ||
      !g.paths.every((p) => typeof p === 'string')
    ) {
      malformed(`weightsManifest[${i}] must be {paths: string[], weights: [...]}`);
    }
    for (const p of g.paths as string[]) checkShardPath(p, `weightsManifest[${i}]`);
    return { paths: g.paths as string[], weights: g.weights.map(checkWeightSpec) };
  });
  checkWithin(
    'the weights model.json declares',
    groups.reduce((n, g) => n + groupBytes(g), 0),
    readLimits(limits).maxBytes,
    'maxBytes',
  );
  return groups;
}

/**
 * Imports a tfjs-layers model from its `model.json` and shard files.
 *
 * @param modelJson - the parsed model.json (`modelTopology` + `weightsManifest`).
 * @param shards - each manifest path's bytes.
 * @returns the stack as a deeprnn spec + parameters and what surrounds it.
 * @throws {@link @deeprnn/core!UnsupportedError | UnsupportedError} naming the layer and field for anything deeprnn
 *   cannot represent.
 * @throws {@link @deeprnn/core!FormatError | FormatError} for a malformed file, a missing shard or mis-sized weights.
 * @example
 * ```ts
 * const json = JSON.parse(await readFile('model.json', 'utf8'));
 * const imported = importTfjsLayers(json, (p) => readFileSync(join(dir, p)));
 * ```
 */
export function importTfjsLayers(
  modelJson: unknown,
  shards: (path: string) => Uint8Array,
  options: ImportOptions = {},
): KerasImport {
  if (!isRecord(modelJson) || !('modelTopology' in modelJson)) malformed('model.json must have modelTopology');
  const all = new Map<string, Tensor>();
  for (const group of readWeightsManifest(modelJson.weightsManifest, options)) {
    const data = concat(
      group.paths.map((p) => {
        const bytes: unknown = shards(p);
        if (!(bytes instanceof Uint8Array)) malformed(`model.json names the shard '${p}', which was not given`);
        return bytes;
      }),
    );
    for (const [name, t] of decodeWeights(group.weights, data)) {
      if (all.has(name)) malformed(`weight '${name}' appears in two manifest groups`);
      all.set(name, t);
    }
  }
  return importWithAll(modelJson.modelTopology, all, options);
}

/**
 * Imports what tfjs' `model.save` writes (e.g. through `tf.io.withSaveHandler`), without files.
 *
 * @throws {@link @deeprnn/core!UnsupportedError | UnsupportedError} / {@link @deeprnn/core!FormatError | FormatError}
 *   as {@link importTfjsLayers}.
 */
export function importTfjsArtifacts(artifacts: TfjsArtifacts, options: ImportOptions = {}): KerasImport {
  if (!Array.isArray(artifacts.weightSpecs)) malformed('the artifacts have no weightSpecs list');
  const specs: WeightSpec[] = artifacts.weightSpecs.map(checkWeightSpec);
  const all = decodeWeights(specs, toBytes(artifacts.weightData));
  return importWithAll(artifacts.modelTopology, all, options);
}

/**
 * Loads a tfjs-layers model in a browser (or anywhere `fetch` works): from the model.json URL, whose
 * shards are fetched relative to it, or from picked / dropped `File`s (model.json and its shards).
 *
 * @throws {@link @deeprnn/core!FormatError | FormatError} when a file is missing or a fetch fails (the cause is kept).
 */
export async function loadTfjsLayers(
  source: string | URL | readonly Blob[],
  options: ImportOptions = {},
): Promise<KerasImport> {
  const { maxJsonBytes } = readLimits(options);
  if (typeof source === 'string' || source instanceof URL) {
    // Relative URLs resolve against the page in a browser; `location` does not exist in Node.
    const here = (globalThis as { location?: { href?: string } }).location?.href;
    const url = new URL(source, here);
    const json = parseJson(await fetchWithin(url, maxJsonBytes, 'maxJsonBytes'), url.href);
    const groups = isRecord(json) ? readWeightsManifest(json.weightsManifest, options) : [];
    const bytes = new Map<string, Uint8Array>();
    for (const g of groups) {
      // A group's shards hold exactly its weights: no shard may be longer than what is still missing.
      let left = groupBytes(g);
      for (const p of g.paths) {
        const b = await fetchWithin(new URL(p, url), left, 'maxBytes');
        left -= b.length;
        bytes.set(p, b);
      }
    }
    return importTfjsLayers(json, (p) => bytes.get(p) as Uint8Array, options);
  }
  const files = new Map<string, Blob>();
  for (const f of source) files.set((f as Blob & { name?: string }).name ?? '', f);
  const jsonFile = [...files].find(([n]) => n.endsWith('.json'))?.[1];
  if (jsonFile === undefined) malformed(`no model.json among the files (${[...files.keys()].join(', ')})`);
  checkWithin('model.json', jsonFile.size, maxJsonBytes, 'maxJsonBytes');
  const json = parseJson(new Uint8Array(await jsonFile.arrayBuffer()), 'model.json');
  const groups = isRecord(json) ? readWeightsManifest(json.weightsManifest, options) : [];
  const bytes = new Map<string, Uint8Array>();
  for (const g of groups) {
    const picked = g.paths.map((p) => {
      const f = files.get(p) ?? files.get(p.split('/').pop() as string);
      if (f === undefined) malformed(`model.json names the shard '${p}', which is not among the files`);
      return f;
    });
    const have = picked.reduce((n, f) => n + f.size, 0);
    // Sizes first: a wrong file picked as a shard is refused before it is read.
    if (have !== groupBytes(g))
      malformed(`the shards ${g.paths.join(', ')} hold ${have} bytes, the manifest's weights take ${groupBytes(g)}`);
    for (const [i, p] of g.paths.entries()) bytes.set(p, new Uint8Array(await (picked[i] as Blob).arrayBuffer()));
  }
  return importTfjsLayers(json, (p) => bytes.get(p) as Uint8Array, options);
}
