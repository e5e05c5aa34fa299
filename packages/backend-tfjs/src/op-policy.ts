import type { EngineName } from './engine-name.js';

/**
 * Engine-specific choices between equivalent formulations. On wasm, `tanh` is a scalar loop about
 * 14x slower than `sigmoid` (which XNNPACK vectorises), so tanh(x) is computed as 2 sigmoid(2x) - 1
 * (|error| below 2e-7); other engines use their own tanh.
 */
export interface OpPolicy {
  readonly isTanhViaSigmoid: boolean;
  /**
   * Whether the engine reads tensors back synchronously (`dataSync`). WebGPU in Node cannot (its
   * synchronous read needs an OffscreenCanvas), so code that must read inside a taped function
   * (a host-side softmax) takes an all-engine path there.
   */
  readonly canReadSync: boolean;
  /**
   * Whether a product may fuse its relu (one kernel). wasm's fused matMul clamps with XNNPACK's
   * output_min, which turns NaN into 0; there relu runs as its own op, which keeps NaN.
   */
  readonly canFuseRelu: boolean;
}

/** The policy for an engine. */
export function opPolicyFor(engine: EngineName): OpPolicy {
  return { isTanhViaSigmoid: engine === 'wasm', canReadSync: engine !== 'webgpu', canFuseRelu: engine !== 'wasm' };
}
