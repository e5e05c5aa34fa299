import { ParameterError } from './errors.js';
import type { RnnParams } from './params.js';
import { f16BitsToNumber, float32ToF16Bits } from './safetensors-half.js';
import { tensor } from './tensor.js';

/** `x` rounded to the nearest IEEE half (binary16), ties to even, as a number (exact in float32). */
export function roundToFloat16(x: number): number {
  return f16BitsToNumber(float32ToF16Bits(x));
}

/**
 * The parameters as a model that stores its weights in float16 holds them: every element rounded
 * to the nearest half (ties to even, as PyTorch's `Tensor.half()`), kept as float32 values. NaN and
 * infinities stay what they are.
 *
 * @param who - who asks, for the error message (`webgpu backend`).
 * @throws {@link ParameterError} naming the tensor, element and value when a finite element lies
 *   beyond float16's range (|x| >= 65520), which the half would hold as infinity.
 */
export function roundParamsToFloat16(params: RnnParams, who: string): RnnParams {
  const out: Record<string, ReturnType<typeof tensor>> = {};
  for (const [name, t] of Object.entries(params)) {
    const data = new Float32Array(t.data.length);
    for (let i = 0; i < data.length; i++) {
      const v = t.data[i] as number;
      const rounded = roundToFloat16(v);
      if (Number.isFinite(v) && !Number.isFinite(rounded)) {
        throw new ParameterError(
          `${who}: parameter '${name}' element ${i} is ${v}, beyond float16's finite range (|x| < 65520): float16 weight storage would hold it as infinity`,
        );
      }
      data[i] = rounded;
    }
    out[name] = tensor(data, t.shape);
  }
  return Object.freeze(out);
}
