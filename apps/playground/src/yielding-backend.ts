import type { Backend, RnnTrainer } from '@deeprnn/core';

/** Resolves in a fresh task, so the page repaints and handles clicks (Stop) between steps. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The same trainer, except that every `step` first yields to the browser. */
function yieldingTrainer(trainer: RnnTrainer): RnnTrainer {
  return new Proxy(trainer, {
    get(target, key) {
      if (key === 'step') {
        return async (...args: Parameters<RnnTrainer['step']>) => {
          await nextTask();
          return target.step(...args);
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The same backend, except that `createModel` and every training step first yield to the browser, so
 * a long run on a synchronous backend (the reference) keeps the page responsive.
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
      if (key === 'createTrainer' && target.createTrainer) {
        const create = target.createTrainer.bind(target);
        return async (...args: Parameters<NonNullable<Backend['createTrainer']>>) =>
          yieldingTrainer(await create(...args));
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
