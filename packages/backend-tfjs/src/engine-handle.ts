import { BackendInitError } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { StartedEngine } from './engine.js';

/**
 * Runs `build` with `engine` as tfjs's active backend. tfjs is one global engine per process; each
 * backend object owns one engine, and every model call switches tfjs to it first. For an engine that
 * has started, `tf.setBackend` switches synchronously (its promise only reports the result), so the
 * switch and `build` run in one synchronous stretch and concurrent calls on backends with different
 * engines cannot interleave inside it: ops go to the engine that was active when they were built,
 * and results are read from the engine that holds them. Switching costs a kernel setup pass
 * (~1 ms on wasm), so alternating engines call by call is correct but slower than one engine.
 *
 * @throws {@link BackendInitError} when the engine can no longer be initialised.
 */
export async function withEngine<T>(engine: StartedEngine, build: () => T): Promise<T> {
  const name = engine.tfBackend;
  if (tf.findBackend(name) == null) {
    // Not initialised (someone removed it): initialise asynchronously, then switch as below.
    let ok: boolean;
    try {
      ok = await tf.setBackend(name);
    } catch (cause) {
      throw new BackendInitError(`tfjs: could not restart engine ${engine.engine}`, { cause });
    }
    if (!ok) throw new BackendInitError(`tfjs: engine ${engine.engine} (${engine.device}) is no longer available`);
  }
  if (tf.getBackend() !== name) {
    const switched = tf.setBackend(name);
    // The switch above already happened synchronously; the promise carries nothing more.
    switched.catch(() => undefined);
  }
  return build();
}
