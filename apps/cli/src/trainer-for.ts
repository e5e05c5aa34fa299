import type { Backend, RnnSpec } from '@deeprnn/core';
import { type RnnTrainer, backendTrainer } from '@deeprnn/lm';

/**
 * The training path for a backend: tfjs's native trainer (weights kept on the engine, one forward and
 * one backward per step) when the backend is tfjs, else the generic one over `model.gradients`.
 */
export async function trainerFor(backend: Backend, spec: RnnSpec): Promise<RnnTrainer> {
  if (backend.name === 'tfjs') {
    const { TfjsBackend, createTfjsTrainer } = await import('@deeprnn/backend-tfjs');
    if (backend instanceof TfjsBackend) return createTfjsTrainer(backend, spec);
  }
  return backendTrainer(backend, spec);
}
