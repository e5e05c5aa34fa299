import { FormatError, type Tensor, tensor } from '@deeprnn/core';
import { Dataset, File, Group } from 'jsfive';
import { malformed } from './config-fields.js';

/**
 * A read-only HDF5 file (jsfive: pure JavaScript, so it runs in browsers and Node without wasm), with
 * the few reads Keras' layouts need. Missing paths are null, not exceptions.
 */
export class H5File {
  private readonly file: File;

  constructor(bytes: Uint8Array) {
    try {
      this.file = new File(bytes.slice().buffer, 'model.h5');
    } catch (e) {
      throw new FormatError('keras: not a readable HDF5 file', { cause: e });
    }
  }

  private node(path: string): Group | Dataset | null {
    try {
      return path === '' ? this.file : this.file.get(path);
    } catch {
      return null;
    }
  }

  /** A string attribute (bytes or str; fixed-length padding removed), or null. */
  stringAttr(path: string, name: string): string | null {
    const v = this.node(path)?.attrs[name];
    return typeof v === 'string' ? v.replace(/\0+$/, '') : null;
  }

  /** A string-list attribute (Keras' `layer_names`, `weight_names`), or null. */
  stringListAttr(path: string, name: string): string[] | null {
    const v = this.node(path)?.attrs[name];
    if (typeof v === 'string') return [v.replace(/\0+$/, '')];
    return Array.isArray(v) ? v.map((s) => String(s).replace(/\0+$/, '')) : null;
  }

  /** The children of a group, or null when `path` is not a group. */
  keys(path: string): string[] | null {
    const n = this.node(path);
    return n instanceof Group ? n.keys : null;
  }

  /** A float dataset as a float32 tensor (bfloat16-tagged or integer data refused), or null when absent. */
  tensor(path: string): Tensor | null {
    const n = this.node(path);
    if (!(n instanceof Dataset)) return null;
    const dtype = String(n.dtype);
    if (!/^[<>]?f[248]$/.test(dtype)) malformed(`HDF5 dataset '${path}' has dtype ${dtype}, expected a float`);
    return tensor(Float32Array.from(n.value), n.shape);
  }
}
