import { BackendInitError } from '@deeprnn/core';
import * as tf from '@tensorflow/tfjs-core';

let registration: Promise<void> | null = null;

/**
 * Makes tfjs autograd usable. tfjs-core's Node build ships the ops but not their gradient
 * functions; the `@tensorflow/tfjs` package registers all of them (into tfjs's global registry)
 * when it loads. It is loaded on the first training call only, so inference never pays for it.
 *
 * @throws {@link BackendInitError} when `@tensorflow/tfjs` cannot be loaded.
 */
export function ensureGradients(): Promise<void> {
  registration ??= (async () => {
    if (tf.getGradient('Add') !== undefined) return;
    try {
      await import('@tensorflow/tfjs');
    } catch (cause) {
      registration = null;
      throw new BackendInitError(
        'tfjs: training needs @tensorflow/tfjs, which registers the gradients of tfjs ops (npm install @tensorflow/tfjs)',
        { cause },
      );
    }
  })();
  return registration;
}
