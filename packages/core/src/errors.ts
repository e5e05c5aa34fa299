/**
 * Every error deeprnn throws. Each has a stable `code` for programs and a message that says where,
 * what was expected and what arrived; native or lower-level failures ride along in `cause`.
 */
export abstract class RnnError extends Error {
  /** Stable machine-readable code, e.g. `E_SHAPE`. */
  abstract readonly code: `E_${string}`;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A model configuration is invalid (bad size, unknown option, option not valid for the mode). */
export class ConfigError extends RnnError {
  readonly code = 'E_CONFIG' as const;
}

/** A tensor (input, initial state, lengths, gradient) has the wrong rank, size or values. */
export class ShapeError extends RnnError {
  readonly code = 'E_SHAPE' as const;
}

/** A parameter map has missing, extra, mis-shaped or non-finite tensors. */
export class ParameterError extends RnnError {
  readonly code = 'E_PARAMETER' as const;
}

/** A backend does not support the requested config, dtype or operation. */
export class UnsupportedError extends RnnError {
  readonly code = 'E_UNSUPPORTED' as const;
}

/** A backend could not start (missing native library, no device); the native failure is in `cause`. */
export class BackendInitError extends RnnError {
  readonly code = 'E_BACKEND_INIT' as const;
}

/**
 * The device refused or lost the work of a call (a WebGPU validation or out-of-memory error, a lost
 * device): the call's results do not exist; the device's own message is in the text.
 */
export class DeviceError extends RnnError {
  readonly code = 'E_DEVICE' as const;
}

/** A model or backend was used after `dispose()`. */
export class BackendDisposedError extends RnnError {
  readonly code = 'E_DISPOSED' as const;
}

/** A backend name that no package provides. */
export class UnknownBackendError extends RnnError {
  readonly code = 'E_UNKNOWN_BACKEND' as const;
  /** @param options - `known`: the names a caller offers (default: the catalog's four). */
  constructor(name: string, options?: ErrorOptions & { readonly known?: readonly string[] }) {
    super(
      `unknown backend '${name}' (known: ${(options?.known ?? ['reference', 'onnxruntime', 'tfjs', 'webgpu']).join(', ')})`,
      options,
    );
  }
}

/** A file (safetensors, ONNX, golden case, checkpoint) is malformed, truncated or not what it claims. */
export class FormatError extends RnnError {
  readonly code = 'E_FORMAT' as const;
}

/**
 * What a call would allocate (parameters, a forward's working memory) exceeds the stated limit,
 * `maxBytes` (default 2 GiB); the message says how many bytes and how to raise the limit.
 */
export class SizeLimitError extends RnnError {
  readonly code = 'E_SIZE_LIMIT' as const;
}
