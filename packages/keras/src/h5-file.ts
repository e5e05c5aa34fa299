import { FormatError, type Tensor, sizeOf, tensor } from '@deeprnn/core';
import { Dataset, File, Group } from 'jsfive';
import { malformed } from './config-fields.js';
import { type KerasReadLimits, checkWithin, readLimits } from './read-limits.js';

// Deflate cannot expand data more than about 1032 to 1: a dataset that declares more than that many
// bytes per byte of the file cannot be real, whatever its filters, and is refused before jsfive reads it.
const MAX_DEFLATE_RATIO = 1032;

/**
 * A read-only HDF5 file (jsfive: pure JavaScript, so it runs in browsers and Node without wasm), with
 * the few reads Keras' layouts need. Missing paths are null, not exceptions; a file jsfive cannot
 * parse (truncated, corrupt) is a {@link FormatError}, and a dataset's declared size is checked
 * against the limits before its values are read (jsfive allocates what the header says).
 */
export class H5File {
  private readonly file: File;
  private readonly size: number;
  private readonly maxBytes: number;

  constructor(bytes: Uint8Array, limits: KerasReadLimits = {}) {
    this.size = bytes.length;
    this.maxBytes = readLimits(limits).maxBytes;
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

  private attr(path: string, name: string): unknown {
    const n = this.node(path);
    if (n === null) return undefined;
    try {
      return n.attrs[name];
    } catch (e) {
      throw new FormatError(
        `keras: HDF5 attribute '${name}' of '${path || '/'}' cannot be read (truncated or corrupt file)`,
        { cause: e },
      );
    }
  }

  /** A string attribute (bytes or str; fixed-length padding removed), or null. */
  stringAttr(path: string, name: string): string | null {
    const v = this.attr(path, name);
    return typeof v === 'string' ? v.replace(/\0+$/, '') : null;
  }

  /** A string-list attribute (Keras' `layer_names`, `weight_names`), or null. */
  stringListAttr(path: string, name: string): string[] | null {
    const v = this.attr(path, name);
    if (typeof v === 'string') return [v.replace(/\0+$/, '')];
    return Array.isArray(v) ? v.map((s) => String(s).replace(/\0+$/, '')) : null;
  }

  /** The children of a group, or null when `path` is not a group. */
  keys(path: string): string[] | null {
    const n = this.node(path);
    if (!(n instanceof Group)) return null;
    try {
      return n.keys;
    } catch (e) {
      throw new FormatError(`keras: HDF5 group '${path}' cannot be listed (truncated or corrupt file)`, { cause: e });
    }
  }

  /**
   * A float dataset as a float32 tensor (bfloat16-tagged or integer data refused), or null when absent.
   *
   * @throws {@link FormatError} for a non-float, non-finite or unreadable dataset; {@link SizeLimitError}
   *   for one that declares more bytes than `maxBytes` or than the file could hold.
   */
  tensor(path: string): Tensor | null {
    const n = this.node(path);
    if (!(n instanceof Dataset)) return null;
    let dtype: string;
    let shape: number[];
    try {
      dtype = String(n.dtype);
      shape = n.shape;
    } catch (e) {
      throw new FormatError(`keras: HDF5 dataset '${path}' has an unreadable header (truncated or corrupt file)`, {
        cause: e,
      });
    }
    const m = /^[<>]?f([248])$/.exec(dtype);
    if (m === null) malformed(`HDF5 dataset '${path}' has dtype ${dtype}, expected a float`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      malformed(`HDF5 dataset '${path}' has shape ${JSON.stringify(shape)}`);
    const bytes = sizeOf(shape) * Number(m[1]);
    checkWithin(
      `HDF5 dataset '${path}' (shape [${shape.join(', ')}])`,
      bytes,
      Math.min(this.maxBytes, this.size * MAX_DEFLATE_RATIO),
      'maxBytes',
    );
    let values: ArrayLike<number>;
    try {
      values = n.value;
    } catch (e) {
      throw new FormatError(`keras: HDF5 dataset '${path}' cannot be read (truncated or corrupt file)`, { cause: e });
    }
    if (values.length !== sizeOf(shape))
      malformed(
        `HDF5 dataset '${path}' holds ${values.length} values, its shape [${shape.join(', ')}] needs ${sizeOf(shape)}`,
      );
    const data = Float32Array.from(values);
    // A float64 weight beyond float32's range becomes Inf here; NaN and Inf weights make every output NaN.
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      malformed(`HDF5 dataset '${path}' element ${bad} is ${data[bad]} as float32; expected finite weights`);
    return tensor(data, shape);
  }
}
