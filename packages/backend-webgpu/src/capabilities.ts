import { type Capabilities, RNN_MODES, type RnnSpec } from '@deeprnn/core';
import { workgroupMemoryProblem } from './kernels/kernel-plan.js';

/**
 * Every mode and option forward, float32; training (trainer and `gradients`) for every mode, with
 * the options TRAINING.md lists (src/train/trainable.ts names what is refused). The tolerance is wider than the CPU backends': products sum in a different
 * order and the GPU's exp may be a few ulp off.
 */
export const WEBGPU_CAPABILITIES: Capabilities = Object.freeze({
  modes: RNN_MODES,
  training: true,
  dtypes: Object.freeze(['float32'] as const),
  tolerance: Object.freeze({ rtol: 1e-3, atol: 1e-4 }),
});

/**
 * The backend with `weightStorage: 'float16'`: models compute in float32 from their weights rounded
 * to float16, so against the float64 reference on the same rounded weights (conformance draws them
 * rounded) the float32 tolerance holds. What rounding costs against the unrounded weights is
 * measured, not declared (test/float16-weights.test.ts, README).
 */
export const WEBGPU_F16_CAPABILITIES: Capabilities = Object.freeze({
  ...WEBGPU_CAPABILITIES,
  weightStorage: 'float16' as const,
});

/**
 * Why the kernels cannot run `spec`, or null: the only limit is the device's workgroup memory
 * (`limitBytes`, its `maxComputeWorkgroupStorageSize`).
 */
export function unsupportedReason(spec: RnnSpec, limitBytes: number): string | null {
  return workgroupMemoryProblem(spec, limitBytes);
}
