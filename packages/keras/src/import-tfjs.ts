import type { Tensor } from '@deeprnn/core';
import { isRecord, malformed } from './config-fields.js';
import { type LayerWeights, importKerasConfig } from './import-model.js';
import type { KerasImport } from './types.js';
import { type WeightSpec, type WeightsGroup, checkWeightSpec, decodeWeights } from './weights-manifest.js';

/** Options for the tfjs-layers importers. */
export interface ImportOptions {
  /** Overrides the file's `keras_version` (it picks hard_sigmoid's slope: Keras 3 differs). */
  readonly kerasVersion?: string;
}

/** What tfjs' `model.save` hands a save handler (tfjs `ModelArtifacts`), the parts deeprnn reads. */
export interface TfjsArtifacts {
  readonly modelTopology: unknown;
  readonly weightSpecs: readonly unknown[];
  readonly weightData: ArrayBuffer | readonly ArrayBuffer[] | Uint8Array;
}

/** Weights by layer: every manifest name `<layer>/...`, in manifest order (Keras' weight order). */
export function weightsByLayerPrefix(all: ReadonlyMap<string, Tensor>): LayerWeights {
  return (layer) => [...all].filter(([name]) => name.startsWith(`${layer.name}/`)).map(([, t]) => t);
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

/** Checks a model.json's `weightsManifest`. */
export function readWeightsManifest(raw: unknown): WeightsGroup[] {
  if (!Array.isArray(raw)) malformed('model.json has no weightsManifest list');
  return raw.map((g, i) => {
    if (!isRecord(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights) || !g.paths.every((p) => typeof p === 'string')) {
      malformed(`weightsManifest[${i}] must be {paths: string[], weights: [...]}`);
    }
    return { paths: g.paths as string[], weights: g.weights.map(checkWeightSpec) };
  });
}

/**
 * Imports a tfjs-layers model from its `model.json` and shard files.
 *
 * @param modelJson - the parsed model.json (`modelTopology` + `weightsManifest`).
 * @param shards - each manifest path's bytes.
 * @returns the stack as a deeprnn spec + parameters and what surrounds it.
 * @throws {@link UnsupportedError} naming the layer and field for anything deeprnn cannot represent.
 * @throws {@link FormatError} for a malformed file, a missing shard or mis-sized weights.
 * @example
 * ```ts
 * const json = JSON.parse(await readFile('model.json', 'utf8'));
 * const imported = importTfjsLayers(json, (p) => readFileSync(join(dir, p)));
 * ```
 */
export function importTfjsLayers(modelJson: unknown, shards: (path: string) => Uint8Array, options: ImportOptions = {}): KerasImport {
  if (!isRecord(modelJson) || !('modelTopology' in modelJson)) malformed('model.json must have modelTopology');
  const all = new Map<string, Tensor>();
  for (const group of readWeightsManifest(modelJson.weightsManifest)) {
    const data = concat(group.paths.map((p) => shards(p)));
    for (const [name, t] of decodeWeights(group.weights, data)) all.set(name, t);
  }
  return importKerasConfig(modelJson.modelTopology, weightsByLayerPrefix(all), options.kerasVersion ?? null);
}

/**
 * Imports what tfjs' `model.save` writes (e.g. through `tf.io.withSaveHandler`), without files.
 *
 * @throws {@link UnsupportedError} / {@link FormatError} as {@link importTfjsLayers}.
 */
export function importTfjsArtifacts(artifacts: TfjsArtifacts, options: ImportOptions = {}): KerasImport {
  const specs: WeightSpec[] = artifacts.weightSpecs.map(checkWeightSpec);
  const all = decodeWeights(specs, toBytes(artifacts.weightData));
  return importKerasConfig(artifacts.modelTopology, weightsByLayerPrefix(all), options.kerasVersion ?? null);
}

/**
 * Loads a tfjs-layers model in a browser (or anywhere `fetch` works): from the model.json URL, whose
 * shards are fetched relative to it, or from picked / dropped `File`s (model.json and its shards).
 *
 * @throws {@link FormatError} when a file is missing or a fetch fails (the cause is kept).
 */
export async function loadTfjsLayers(source: string | URL | readonly Blob[], options: ImportOptions = {}): Promise<KerasImport> {
  if (typeof source === 'string' || source instanceof URL) {
    // Relative URLs resolve against the page in a browser; `location` does not exist in Node.
    const here = (globalThis as { location?: { href?: string } }).location?.href;
    const url = new URL(source, here);
    const get = async (u: URL): Promise<Response> => {
      const r = await fetch(u);
      if (!r.ok) malformed(`fetching ${u.href}: HTTP ${r.status}`);
      return r;
    };
    const json: unknown = await (await get(url)).json();
    const groups = isRecord(json) ? readWeightsManifest(json.weightsManifest) : [];
    const bytes = new Map<string, Uint8Array>();
    for (const p of groups.flatMap((g) => g.paths)) bytes.set(p, new Uint8Array(await (await get(new URL(p, url))).arrayBuffer()));
    return importTfjsLayers(json, (p) => bytes.get(p) as Uint8Array, options);
  }
  const files = new Map<string, Blob>();
  for (const f of source) files.set((f as Blob & { name?: string }).name ?? '', f);
  const jsonFile = [...files].find(([n]) => n.endsWith('.json'))?.[1];
  if (jsonFile === undefined) malformed(`no model.json among the files (${[...files.keys()].join(', ')})`);
  const json: unknown = JSON.parse(await jsonFile.text());
  const groups = isRecord(json) ? readWeightsManifest(json.weightsManifest) : [];
  const bytes = new Map<string, Uint8Array>();
  for (const p of groups.flatMap((g) => g.paths)) {
    const base = p.split('/').pop() as string;
    const f = files.get(p) ?? files.get(base);
    if (f === undefined) malformed(`model.json names the shard '${p}', which is not among the files`);
    bytes.set(p, new Uint8Array(await f.arrayBuffer()));
  }
  return importTfjsLayers(json, (p) => bytes.get(p) as Uint8Array, options);
}
