import { ConfigError } from '@deeprnn/core';

/** The thread calls of `@tensorflow/tfjs-backend-wasm` (present in its 4.x builds). */
export interface WasmThreadControl {
  readonly setThreadsCount?: (n: number) => void;
  readonly getThreadsCount?: () => number;
}

/**
 * Checks a requested wasm thread count.
 *
 * @throws {@link ConfigError} when it is not a whole number from 1 to 8 (tfjs-backend-wasm pre-creates 8 workers).
 */
export function checkWasmThreads(n: number | undefined): void {
  if (n === undefined) return;
  if (!Number.isInteger(n) || n < 1 || n > 8)
    throw new ConfigError(`tfjs: wasmThreads must be a whole number from 1 to 8, got ${String(n)}`);
}

/**
 * Why tfjs-backend-wasm runs another thread count than asked, as one line, or null when it runs what
 * was asked. Its C++ side (4.22, `init_with_threads_count`) caps the pool at 8 and at half of
 * `navigator.hardwareConcurrency` (it assumes two hyper-threads per core), so a 2-core machine runs one
 * thread whatever is asked; without SharedArrayBuffer (a page that is not cross-origin isolated, or
 * Node, where the worker would come from a blob: URL) it loads the single-threaded build.
 */
export function threadShortfall(
  asked: number | undefined,
  actual: number,
  isThreadedBuild: boolean,
  logicalCores: number | undefined,
): string | null {
  if (asked === undefined || actual === asked) return null;
  if (actual > asked)
    return `wasm: ${actual} threads run, ${asked} asked: the count is fixed when tfjs first starts wasm in this process`;
  if (!isThreadedBuild) {
    return `wasm: ${actual} thread of ${asked} asked: the threaded build needs SharedArrayBuffer (a cross-origin isolated page; not Node)`;
  }
  const cores = logicalCores === undefined ? 'the logical cores' : `${logicalCores} logical cores`;
  return `wasm: ${actual} thread${actual === 1 ? '' : 's'} of ${asked} asked: tfjs-backend-wasm uses at most half of ${cores} (and at most 8)`;
}
