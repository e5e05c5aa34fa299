import type { Backend } from './backend.js';
import type { RnnSpec } from './config.js';
import type { RnnTrainer, TrainerInit } from './trainer.js';

/** A {@link Backend} that trains: `capabilities.training` is true and both training methods exist. */
export interface TrainingBackend extends Backend {
  /** Why this backend cannot train `spec` although it runs it, or null when it can. */
  unsupportedTraining(spec: RnnSpec): string | null;
  /** Starts training `spec` where this backend runs. */
  createTrainer(spec: RnnSpec, init: TrainerInit): Promise<RnnTrainer>;
}

/**
 * True when `backend` trains: `capabilities.training` and the two methods it promises. Conformance
 * checks that the flag and the methods agree; this guard narrows the type for callers.
 *
 * @param backend - any backend.
 * @returns whether `createTrainer` and `unsupportedTraining` may be called.
 */
export function isTrainingBackend(backend: Backend): backend is TrainingBackend {
  return (
    backend.capabilities.training &&
    typeof backend.createTrainer === 'function' &&
    typeof backend.unsupportedTraining === 'function'
  );
}

/**
 * The one answer to "can `backend` train `spec`?": null when it can, else one line saying why not
 * (the backend does not train, does not run the spec, or runs it but does not train it).
 *
 * @param backend - the backend to ask.
 * @param spec - the spec to train.
 * @returns null, or the backend's reason.
 * @example
 * ```ts
 * const why = trainingRefusal(backend, spec);
 * if (why !== null) throw new UnsupportedError(why);
 * ```
 */
export function trainingRefusal(backend: Backend, spec: RnnSpec): string | null {
  if (!isTrainingBackend(backend)) return `${backend.name} does not train (capabilities.training is false)`;
  return backend.unsupported(spec) ?? backend.unsupportedTraining(spec);
}
