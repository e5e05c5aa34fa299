import type { InferenceSession } from '#ort';
import { type SessionFactory, defaultSessionFactory } from '../provider-probe.js';

// onnxruntime-web runs every provider in one wasm module built with Asyncify: while a call is suspended
// in JavaScript (a WebGPU readback, a shader compile), a second call into the module resumes on the
// suspended call's stack and corrupts the heap ("RuntimeError: memory access out of bounds"), after which
// no session of the page can be created. So the page's calls into ORT (create, run, release) take
// turns: one queue for the whole page, as the module is one per page.
let tail: Promise<unknown> = Promise.resolve();

/** Runs `call` after every call queued before it has settled; a failure does not block the queue. */
export function inTurn<R>(call: () => Promise<R>): Promise<R> {
  const result = tail.then(call);
  tail = result.catch(() => undefined);
  return result;
}

/** `session` with `run` and `release` taking their turn in the page's queue. */
function serialized(session: InferenceSession): InferenceSession {
  return new Proxy(session, {
    get: (target, key) => {
      if (key === 'run') {
        return (...args: Parameters<InferenceSession['run']>) => inTurn(() => target.run(...args));
      }
      if (key === 'release') return () => inTurn(() => target.release());
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The page's session factory: ORT's own, with creation, runs and releases serialized (see above). One
 * constant, so the provider probe, which remembers its outcomes per factory, probes once per page.
 */
export const serializedSessionFactory: SessionFactory = (model, options) =>
  inTurn(() => defaultSessionFactory(model, options)).then(serialized);
