import { FormatError } from '@deeprnn/core';
import { type ModelProto, onnx } from './proto.js';

/** Largest model accepted (2 GiB is protobuf's own limit). */
export const MAX_MODEL_BYTES: number = 2 ** 31 - 1;

/**
 * Decodes ONNX model bytes. protobufjs reads only as far as the bytes go (declared lengths beyond the
 * end throw), so a hostile file cannot make it allocate more than its own size; its errors (and a
 * stack overflow from absurd nesting) become {@link FormatError}.
 *
 * @throws {@link FormatError} when the bytes are not a ModelProto.
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  if (!(bytes instanceof Uint8Array))
    throw new FormatError(`import: expected the model as a Uint8Array, got ${typeof bytes}`);
  if (bytes.length === 0) throw new FormatError('import: the file is empty');
  if (bytes.length > MAX_MODEL_BYTES)
    throw new FormatError(`import: ${bytes.length} bytes is over protobuf's 2 GiB limit`);
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : 'unreadable';
    throw new FormatError(`import: not an ONNX model (protobuf decoding failed: ${why})`, { cause: e });
  }
  if (!model.graph) throw new FormatError('import: the model has no graph');
  return model;
}
