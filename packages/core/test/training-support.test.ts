import { describe, expect, it } from 'vitest';
import { type Backend, createReferenceBackend, defineSpec, isTrainingBackend, trainingRefusal } from '../src/index.js';

const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3 });

describe('trainingRefusal / isTrainingBackend: the one answer to "can it train?"', () => {
  it('the reference trains every spec it runs', () => {
    const backend = createReferenceBackend();
    expect(isTrainingBackend(backend)).toBe(true);
    expect(trainingRefusal(backend, spec)).toBeNull();
    expect(backend.notices).toEqual([]);
  });

  it('a backend that does not declare training is refused, whatever methods it carries', () => {
    const reference = createReferenceBackend();
    const inference: Backend = { ...reference, capabilities: { ...reference.capabilities, training: false } };
    expect(isTrainingBackend(inference)).toBe(false);
    expect(trainingRefusal(inference, spec)).toBe('reference does not train (capabilities.training is false)');
  });

  it('declaring training without unsupportedTraining is not a training backend', () => {
    const { unsupportedTraining: _, ...rest } = createReferenceBackend();
    expect(isTrainingBackend(rest)).toBe(false);
    expect(trainingRefusal(rest, spec)).toMatch(/does not train/);
  });

  it('unsupported (forward) comes first, then unsupportedTraining', () => {
    const reference = createReferenceBackend();
    const picky = {
      ...reference,
      unsupported: (s: typeof spec) => (s.mode === 'lstm' ? 'picky: no lstm' : null),
      unsupportedTraining: (s: typeof spec) => (s.numLayers > 1 ? 'picky: trains one layer only' : null),
    };
    expect(trainingRefusal(picky, defineSpec({ mode: 'lstm', inputSize: 1, hiddenSize: 1, numLayers: 2 }))).toBe(
      'picky: no lstm',
    );
    expect(trainingRefusal(picky, defineSpec({ mode: 'gru', inputSize: 1, hiddenSize: 1, numLayers: 2 }))).toBe(
      'picky: trains one layer only',
    );
    expect(trainingRefusal(picky, spec)).toBeNull();
  });
});
