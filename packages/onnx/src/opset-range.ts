import { FormatError } from '@deeprnn/core';
import { type Int64, int64ToNumber } from './proto.js';

/** An inclusive range of ONNX opset versions. */
export interface OpsetRange {
  /** The lowest version. */
  readonly min: number;
  /** The highest version. */
  readonly max: number;
}

/**
 * The default-domain (ai.onnx) opsets {@link importOnnx} reads.
 *
 * @remarks
 * 7 is where RNN, GRU and LSTM took their current form (and the oldest opset ONNX Runtime guarantees);
 * every op import reads has both of its forms handled up to 17 (Slice, Squeeze, Unsqueeze moved
 * attributes to inputs at 10 and 13; layout came at 14), and later versions of those ops add element
 * types only. 26 is the newest opset the repository's onnxruntime-node (1.30) loads; it refuses 27.
 */
export const IMPORT_OPSETS: OpsetRange = Object.freeze({ min: 7, max: 26 });

/** One entry of a model's opset_import. */
export interface OpsetImport {
  /** The operator set's domain; empty or absent means the default domain, ai.onnx. */
  readonly domain?: string | null;
  /** The opset version the model uses from that domain. */
  readonly version?: Int64 | null;
}

/**
 * The model's ai.onnx opset, checked against {@link IMPORT_OPSETS}.
 *
 * @throws {@link @deeprnn/core!FormatError | FormatError} when opset_import has no ai.onnx entry, or its version is not
 *   an integer in the range (0, -5 and 2^40 are refused here; ONNX Runtime reads 2^40 as 0).
 */
export function importedOpset(entries: readonly OpsetImport[]): number {
  const entry = entries.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (entry === undefined) throw new FormatError('import: opset_import has no entry for the default domain (ai.onnx)');
  const raw = entry.version;
  const version = int64ToNumber(raw);
  const { min, max } = IMPORT_OPSETS;
  if (version === null || version < min || version > max) {
    const got = raw === null || raw === undefined ? 'none' : typeof raw === 'number' ? String(raw) : raw.toString();
    throw new FormatError(`import: opset_import version (ai.onnx) must be an integer in [${min}, ${max}], got ${got}`);
  }
  return version;
}
