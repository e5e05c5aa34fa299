/**
 * IEEE half (binary16, safetensors `F16`) and bfloat16 (`BF16`) conversions, bit-exact with
 * PyTorch's `Tensor.to(torch.float16 | torch.bfloat16)`: round to nearest, ties to even; values
 * past the largest half become infinity; NaN stays NaN (quiet) and infinities and -0 are kept.
 * Checked against files PyTorch wrote (fixtures/safetensors-half/rounding_*.safetensors).
 */

// One shared scratch word: the conversions are synchronous, so no caller can interleave.
const scratch = new DataView(new ArrayBuffer(4));

function float32Bits(x: number): number {
  scratch.setFloat32(0, x, true);
  return scratch.getUint32(0, true);
}

/**
 * The binary16 bit pattern nearest to `x` (rounded to float32 first).
 *
 * @param x - any number; NaN gives the quiet NaN `0x7e00` (sign kept), |x| >= 65520 gives infinity.
 * @returns the 16-bit pattern as an integer in [0, 0xffff].
 */
export function float32ToF16Bits(x: number): number {
  const bits = float32Bits(x);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200 | (mantissa >>> 13));
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: the value counted in units of 2^-24, rounded; 0x400 (the smallest normal) may result.
    const shift = 126 - exponent;
    if (shift >= 25) return sign;
    const full = mantissa | 0x800000;
    const q = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    return sign | (rest > half || (rest === half && (q & 1) === 1) ? q + 1 : q);
  }
  const out = sign | (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa steps the exponent, up to infinity (0x7c00) for 65520 and above.
  return rest > 0x1000 || (rest === 0x1000 && (out & 1) === 1) ? out + 1 : out;
}

/**
 * The bfloat16 bit pattern nearest to `x` (rounded to float32 first): the top half of the float32,
 * rounded to nearest even. NaN gives the quiet NaN PyTorch writes (`0x7fc0`, sign kept).
 */
export function float32ToBf16Bits(x: number): number {
  const bits = float32Bits(x);
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return ((bits >>> 16) & 0x8000) | 0x7fc0;
  const rounded = bits + 0x7fff + ((bits >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

/** The value of a binary16 bit pattern (exact in float32 and float64). */
export function f16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** The value of a bfloat16 bit pattern (exact in float32). */
export function bf16BitsToNumber(bits: number): number {
  scratch.setUint32(0, (bits & 0xffff) << 16, true);
  return scratch.getFloat32(0, true);
}
