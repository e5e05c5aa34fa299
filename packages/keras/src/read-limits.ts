import { DEFAULT_MAX_BYTES, SizeLimitError } from '@deeprnn/core';

// What a Keras or tfjs-layers file may make us read or allocate. A file states its own sizes (a zip
// entry's size, an HDF5 dataset's shape, a manifest's weight shapes); every one is checked against
// these limits before anything of that size is allocated, so a small hostile file cannot ask for gigabytes.

/** Default limit of a JSON file (model.json, a .keras config.json or metadata.json): 16 MiB. */
export const MAX_KERAS_JSON_BYTES: number = 16 * 2 ** 20;

/** Size limits of the Keras readers; both default to the limits above. */
export interface KerasReadLimits {
  /**
   * Bytes of weights a model may hold (shards, a .keras file's model.weights.h5, an HDF5 dataset once
   * read), and of a whole .keras / .h5 file. Default core's `DEFAULT_MAX_BYTES`, 2 GiB.
   */
  readonly maxBytes?: number;
  /** Bytes of one JSON document (model.json, config.json). Default {@link MAX_KERAS_JSON_BYTES}. */
  readonly maxJsonBytes?: number;
}

/** The limits with their defaults filled in. */
export function readLimits(options: KerasReadLimits): { readonly maxBytes: number; readonly maxJsonBytes: number } {
  return {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    maxJsonBytes: options.maxJsonBytes ?? MAX_KERAS_JSON_BYTES,
  };
}

/**
 * Throws when `bytes` (what a file declares or holds) is over `limit`.
 *
 * @param what - names the file or entry in the message.
 * @param option - the option that raises the limit.
 * @throws {@link SizeLimitError} saying what, how many bytes and the limit.
 */
export function checkWithin(what: string, bytes: number, limit: number, option: 'maxBytes' | 'maxJsonBytes'): void {
  if (!(bytes <= limit)) {
    throw new SizeLimitError(
      `keras: ${what} is ${Number.isFinite(bytes) ? bytes : 'an unbounded number of'} bytes, over the limit of ${limit} bytes; pass a larger \`${option}\` to allow more`,
    );
  }
}
