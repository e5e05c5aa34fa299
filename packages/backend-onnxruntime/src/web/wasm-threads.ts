import { ConfigError } from '@deeprnn/core';

/** The part of onnxruntime-web's `env.wasm` that sets and reports its WebAssembly threads. */
export interface WasmThreadFlags {
  numThreads?: number;
}

/**
 * Sets onnxruntime-web's WebAssembly thread count before its first session. ORT reads
 * `env.wasm.numThreads` once, when the first session starts its wasm module, and keeps it for the
 * page; unset, it picks min(4, ceil(hardwareConcurrency / 2)) in a cross-origin isolated page and 1
 * elsewhere (measured with 1.30, which also falls back to 1 without SharedArrayBuffer).
 *
 * @param flags - `ort.env.wasm`.
 * @param asked - the threads the caller wants, or undefined for ORT's choice.
 * @param isStarted - whether ORT's wasm module has already started in this page.
 * @returns a notice when the request cannot take effect (ORT already runs with another count), else null.
 * @throws {@link ConfigError} when `asked` is not a whole number from 1 to 64.
 */
export function applyWasmThreads(flags: WasmThreadFlags, asked: number | undefined, isStarted: boolean): string | null {
  if (asked === undefined) return null;
  if (!Number.isInteger(asked) || asked < 1 || asked > 64) {
    throw new ConfigError(`onnxruntime (web): wasmThreads must be a whole number from 1 to 64, got ${String(asked)}`);
  }
  if (!isStarted) {
    flags.numThreads = asked;
    return null;
  }
  if (flags.numThreads === asked) return null;
  return `onnxruntime (web): wasmThreads ${asked} ignored: ONNX Runtime's wasm module already runs ${String(flags.numThreads)} thread(s) in this page, fixed when its first session started.`;
}

/**
 * What `device` says for the wasm provider once ORT has started: `wasm (simd, 2 threads)`. ORT writes
 * the count it really uses back into `env.wasm.numThreads` (1 after a fallback without
 * SharedArrayBuffer); every build of onnxruntime-web 1.30 is the SIMD one.
 */
export function wasmDevice(flags: WasmThreadFlags): string {
  const n = flags.numThreads;
  const threads = typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 1;
  return `wasm (simd, ${threads} thread${threads === 1 ? '' : 's'})`;
}
