import { BackendInitError } from '@deeprnn/core';

/** ONNX Runtime's JavaScript API as `#ort` resolves it: onnxruntime-node in Node, onnxruntime-web in a browser build. */
export type Ort = typeof import('#ort');

/** Loads the runtime module; replaced in tests to act out a missing or broken runtime. */
export type OrtImporter = () => Promise<Ort>;

// Both runtimes are optional peers (see package.json): a browser app installs onnxruntime-web, a Node app
// onnxruntime-node, and neither pays for the other (about 290 MB and 140 MB unpacked). So the runtime is
// imported on first use, where its absence can become a typed error instead of a failed `import` of
// this package.
const importOrt: OrtImporter = () => import('#ort');

const INSTALL_HINT =
  'install the ONNX Runtime this environment uses next to @deeprnn/backend-onnxruntime: `npm i onnxruntime-node` for Node ' +
  '(ONNXRUNTIME_NODE_INSTALL=skip in its environment skips the CUDA download, which comes from outside the npm registry), ' +
  'or `npm i onnxruntime-web` for a browser bundle';

/**
 * Whether `error` says that the runtime package itself could not be found (Node: "Cannot find package
 * 'onnxruntime-node' imported from ..."); a package missing further down is a broken install instead.
 */
function isRuntimeMissing(error: unknown): boolean {
  if (!(error instanceof Error) || !('code' in error)) return false;
  const isNotFound = error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'MODULE_NOT_FOUND';
  return isNotFound && /'onnxruntime-(node|web)(\/[^']*)?'/.test(error.message);
}

const loads = new WeakMap<OrtImporter, Promise<Ort>>();

/**
 * The ONNX Runtime module, imported once per process and importer. A failed import is not remembered:
 * the next call tries again.
 *
 * @param importer - how to import it (default: the `#ort` import of this package).
 * @returns the runtime module.
 * @throws {@link BackendInitError} when the runtime is not installed (the message says what to install)
 *   or is installed but fails to load (a dependency or its native library missing); the import error is the `cause`.
 */
export function loadOrt(importer: OrtImporter = importOrt): Promise<Ort> {
  let load = loads.get(importer);
  if (load === undefined) {
    load = importWith(importer);
    loads.set(importer, load);
    load.catch(() => loads.delete(importer));
  }
  return load;
}

async function importWith(importer: OrtImporter): Promise<Ort> {
  try {
    return await importer();
  } catch (e) {
    if (isRuntimeMissing(e))
      throw new BackendInitError(`onnxruntime: no ONNX Runtime is installed; ${INSTALL_HINT}`, { cause: e });
    throw new BackendInitError('onnxruntime: ONNX Runtime is installed but failed to load (see cause)', { cause: e });
  }
}
