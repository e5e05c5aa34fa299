import type { Backend } from '@deeprnn/core';

/** Resolves in a fresh task, so the page repaints and handles clicks (Stop) between steps. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The same backend, except that `createModel` first yields to the browser. Training makes a model per
 * minibatch, so a long run on a synchronous backend (the reference) keeps the page responsive.
 */
export function yieldingBackend(backend: Backend): Backend {
  return new Proxy(backend, {
    get(target, key) {
      if (key === 'createModel') {
        return async (...args: Parameters<Backend['createModel']>) => {
          await nextTask();
          return target.createModel(...args);
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
