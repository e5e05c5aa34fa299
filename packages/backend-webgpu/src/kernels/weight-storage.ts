import { float32ToF16Bits } from '@deeprnn/core';

/**
 * How the inference kernels hold the weights: float32, or float16 (WGSL `f16`, the `shader-f16`
 * feature) to halve their memory and the bytes each step reads. Arithmetic stays float32 either way:
 * a weight is widened where it is read, so a float16 model computes exactly the float32 forward of
 * its weights rounded to float16.
 */
export type WeightStorage = 'f32' | 'f16';

/** The `enable` directive a kernel reading `storage` weights must start with ('' for float32). */
export function enableDirective(storage: WeightStorage): string {
  return storage === 'f16' ? 'enable f16;\n' : '';
}

/** The element type of a weight binding holding V (1 or 4) adjacent values. */
export function weightElement(storage: WeightStorage, V: number): string {
  if (storage === 'f32') return V === 4 ? 'vec4<f32>' : 'f32';
  return V === 4 ? 'vec4<f16>' : 'f16';
}

/** A weight read `load` widened to `type` (`VT`, `f32`): float32 weights are read as they are. */
export function widenWeight(storage: WeightStorage, load: string, type: string): string {
  return storage === 'f16' ? `${type}(${load})` : load;
}

/**
 * The bytes a weight buffer holds for packed float32 values: as they are, or as float16 bit patterns
 * (rounded to nearest even), padded to a multiple of 8 bytes so a `vec4<f16>` array binds whole.
 */
export function weightBytes(storage: WeightStorage, packed: Float32Array): Uint8Array {
  if (storage === 'f32') return new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength);
  const halves = new Uint16Array(Math.ceil(packed.length / 4) * 4);
  for (let i = 0; i < packed.length; i++) halves[i] = float32ToF16Bits(packed[i]!);
  return new Uint8Array(halves.buffer);
}
