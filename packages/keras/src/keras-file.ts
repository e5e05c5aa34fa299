import { FormatError, SizeLimitError, type Tensor } from '@deeprnn/core';
import { unzipSync } from 'fflate';
import { type LayerConfig, malformed } from './config-fields.js';
import { H5File } from './h5-file.js';
import { importLayerChain } from './import-model.js';
import type { ImportOptions } from './import-tfjs.js';
import { checkWithin, readLimits } from './read-limits.js';
import { type LayerChain, readLayerChain } from './topology.js';
import type { KerasImport } from './types.js';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Keras' `naming.to_snake_case` (class names become weight-file paths in Keras 3). */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** A group's `vars/0, 1, ...` datasets in index order. */
function vars(h5: H5File, group: string): Tensor[] {
  const keys = h5.keys(`${group}/vars`) ?? [];
  return keys
    .map(Number)
    .sort((a, b) => a - b)
    .map((i) => h5.tensor(`${group}/vars/${i}`) ?? malformed(`model.weights.h5 has no dataset ${group}/vars/${i}`));
}

/**
 * Keras 3 (`.keras`): the zip's config.json, metadata.json's version and model.weights.h5, whose
 * layers live at `layers/<snake_case(class)>[_n]` (saving_lib's `_save_container_state`): recurrent
 * variables under `cell/vars`, Bidirectional's under `forward_layer/cell` and `backward_layer/cell`.
 */
/**
 * The entries deeprnn reads from a .keras zip, each inflated only after its declared size passed its
 * limit. fflate inflates into a buffer of exactly the declared size, so an entry cannot grow past what
 * its header says (a zip bomb is stopped at the limit); a size that disagrees with the data is refused.
 */
function unzipKeras(bytes: Uint8Array, options: ImportOptions): { files: Record<string, Uint8Array>; names: string[] } {
  const { maxBytes, maxJsonBytes } = readLimits(options);
  const names: string[] = [];
  const declared = new Map<string, number>();
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        names.push(f.name);
        if (f.name !== 'config.json' && f.name !== 'metadata.json' && f.name !== 'model.weights.h5') return false;
        if (f.name === 'model.weights.h5')
          checkWithin(`the .keras entry ${f.name}`, f.originalSize, maxBytes, 'maxBytes');
        else checkWithin(`the .keras entry ${f.name}`, f.originalSize, maxJsonBytes, 'maxJsonBytes');
        declared.set(f.name, f.originalSize);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof SizeLimitError) throw e;
    throw new FormatError('keras: the .keras file is not a readable zip', { cause: e });
  }
  for (const [name, size] of declared) {
    const got = files[name]?.length;
    if (got !== size) malformed(`the .keras entry ${name} declares ${size} bytes but holds ${got ?? 'none'}`);
  }
  return { files, names };
}

function importKeras3(bytes: Uint8Array, options: ImportOptions): KerasImport {
  const { files, names } = unzipKeras(bytes, options);
  const text = (name: string): unknown => {
    const f = files[name];
    if (f === undefined) malformed(`the .keras file has no ${name} (it has ${names.slice(0, 20).join(', ')})`);
    try {
      return JSON.parse(new TextDecoder().decode(f));
    } catch (e) {
      throw new FormatError(`keras: ${name} is not JSON`, { cause: e });
    }
  };
  const meta = files['metadata.json'] === undefined ? {} : (text('metadata.json') as { keras_version?: unknown });
  const version = options.kerasVersion ?? (typeof meta.keras_version === 'string' ? meta.keras_version : '3');
  const chain = readLayerChain(text('config.json'), version);
  const weightsFile = files['model.weights.h5'];
  if (weightsFile === undefined) malformed('the .keras file has no model.weights.h5');
  const h5 = new H5File(weightsFile, options);
  const paths = new Map<string, string>();
  const used = new Map<string, number>();
  for (const layer of chain.layers) {
    const base = toSnakeCase(layer.className);
    const n = used.has(base) ? (used.get(base) as number) + 1 : 0;
    used.set(base, n);
    paths.set(layer.name, `layers/${n === 0 ? base : `${base}_${n}`}`);
  }
  return importLayerChain(chain, (layer: LayerConfig) => {
    const p = paths.get(layer.name) ?? malformed(`no weights path for layer '${layer.name}'`);
    if (layer.className === 'Bidirectional')
      return [...vars(h5, `${p}/forward_layer/cell`), ...vars(h5, `${p}/backward_layer/cell`)];
    if (h5.keys(`${p}/cell`) !== null) return vars(h5, `${p}/cell`);
    return vars(h5, p);
  });
}

/**
 * Keras 2 (`.h5`, legacy_h5_format): the `model_config` and `keras_version` root attributes and
 * `model_weights/<layer>` groups whose `weight_names` attribute lists the datasets in weight order.
 */
function importKeras2(bytes: Uint8Array, options: ImportOptions): KerasImport {
  const h5 = new H5File(bytes, options);
  const config = h5.stringAttr('', 'model_config');
  if (config === null)
    malformed(
      'the .h5 file has no model_config attribute (a weights-only file cannot be imported: it has no architecture)',
    );
  checkWithin('the .h5 model_config attribute', config.length, readLimits(options).maxJsonBytes, 'maxJsonBytes');
  let topology: unknown;
  try {
    topology = JSON.parse(config);
  } catch (e) {
    throw new FormatError('keras: model_config is not JSON', { cause: e });
  }
  const version = options.kerasVersion ?? h5.stringAttr('', 'keras_version') ?? '2';
  const chain: LayerChain = readLayerChain(topology, version);
  const root = h5.keys('model_weights') === null ? '' : 'model_weights';
  return importLayerChain(chain, (layer) => {
    const group = root === '' ? layer.name : `${root}/${layer.name}`;
    const names = h5.stringListAttr(group, 'weight_names') ?? [];
    return names.map((n) => h5.tensor(`${group}/${n}`) ?? malformed(`the .h5 file has no weight ${group}/${n}`));
  });
}

/**
 * Imports a Keras file: `.keras` (Keras 3 zip) or `.h5` (Keras 2 full model), told apart by content.
 *
 * @param bytes - the whole file.
 * @throws {@link @deeprnn/core!FormatError | FormatError} for anything else or a malformed file;
 *   {@link @deeprnn/core!UnsupportedError | UnsupportedError} naming the layer and field for what deeprnn cannot
 *   represent; {@link @deeprnn/core!SizeLimitError | SizeLimitError} when a zip entry or an HDF5 dataset declares more
 *   than `maxBytes` (`maxJsonBytes` for config.json).
 * @example
 * ```ts
 * const imported = importKerasFile(new Uint8Array(await file.arrayBuffer()));
 * ```
 */
export function importKerasFile(bytes: Uint8Array, options: ImportOptions = {}): KerasImport {
  if (startsWith(bytes, ZIP)) return importKeras3(bytes, options);
  if (startsWith(bytes, HDF5)) return importKeras2(bytes, options);
  return malformed('not a Keras file: neither a .keras zip nor an HDF5 .h5 file (for tfjs-layers pass model.json)');
}
