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
   * Whether the engine's relu (plain and fused into a product) keeps NaN and maps -inf to 0. wasm's
   * XNNPACK relu turns a NaN with the sign bit set (what inf - inf gives) into 0, and its fused relu
   * every NaN; webgl's relu(-inf) is NaN (Chromium's SwiftShader, tfjs 4.22). There relu runs unfused
   * as `x <= 0 ? 0 : x`.
   */
  readonly isReluNanSafe: boolean;
  /**
   * Whether the engine's exp-based kernels (sigmoid, softplus, expm1, and sigmoid fused into a
   * product) map NaN to NaN. WGSL leaves exp(NaN) to the implementation, and Chromium's SwiftShader
   * adapter returns +Inf: tfjs's webgpu softplus(NaN) is then Inf and sigmoid(NaN) 0. Where this is
   * false those activations run unfused and put x back wherever x is NaN.
   */
  readonly isExpNanSafe: boolean;
}

/** The policy for an engine. */
export function opPolicyFor(engine: EngineName): OpPolicy {
  return {
    isTanhViaSigmoid: engine === 'wasm',
    canReadSync: engine !== 'webgpu',
    isReluNanSafe: engine !== 'wasm' && engine !== 'webgl',
    // Every webgpu adapter, not only SwiftShader: the WGSL spec allows any result, so a probe of one
    // shader would not vouch for the others (lavapipe keeps NaN today). GLSL ES 3.0 leaves NaN
    // undefined as well, so webgl takes the same path.
    isExpNanSafe: engine !== 'webgpu' && engine !== 'webgl',
  };
}
