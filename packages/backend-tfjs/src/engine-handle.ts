import { BackendInitError } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { StartedEngine } from './engine.js';

/**
 * Runs `build` with `engine` as tfjs's active backend. tfjs is one global engine per process; each
 * backend object owns one engine, and every model call switches tfjs to it first. The check and
 * `build` run in one synchronous stretch, so two backends on different engines can interleave
 * calls: ops are dispatched to the engine that was active when they were built, and results are
 * read from the engine that holds them. Switching costs a kernel setup pass (~1 ms on wasm), so
 * alternating engines call by call is correct but slower than one engine per process.
 *
 * @throws {@link BackendInitError} when tfjs refuses to switch back to the engine.
 */
export async function withEngine<T>(engine: StartedEngine, build: () => T): Promise<T> {
  for (let attempt = 0; attempt < 8; attempt++) {
    if (tf.getBackend() === engine.tfBackend) return build();
    let ok: boolean;
    try {
      ok = await tf.setBackend(engine.tfBackend);
    } catch (cause) {
      throw new BackendInitError(`tfjs: could not switch back to engine ${engine.engine}`, { cause });
    }
    if (!ok) throw new BackendInitError(`tfjs: engine ${engine.engine} (${engine.device}) is no longer available`);
  }
  throw new BackendInitError(`tfjs: another caller keeps switching tfjs away from engine ${engine.engine}`);
}
