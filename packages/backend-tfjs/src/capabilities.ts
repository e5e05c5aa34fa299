import { type Capabilities, RNN_MODES } from '@deeprnn/core';
import type { EngineName } from './engine-name.js';

/**
 * What the tfjs backend can do on an engine: every mode and option, float32, training by autograd.
 * The tolerance (against the float64 reference) is wider on GPUs: WebGPU and WebGL shaders use their own
 * exp/tanh, and libtensorflow's CUDA matmuls may use TF32 on Ampere and newer GPUs.
 */
export function capabilitiesFor(engine: EngineName): Capabilities {
  const tolerance =
    engine === 'tfjs-node-gpu'
      ? { rtol: 1e-2, atol: 1e-3 }
      : engine === 'webgpu' || engine === 'webgl'
        ? { rtol: 1e-3, atol: 1e-4 }
        : { rtol: 2e-4, atol: 2e-5 };
  return Object.freeze({
    modes: RNN_MODES,
    training: true,
    dtypes: Object.freeze(['float32'] as const),
    tolerance: Object.freeze(tolerance),
  });
}
