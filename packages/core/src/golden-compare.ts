import type { Tensor } from './tensor.js';

/** Float tolerance of golden comparisons: |got - want| <= atol + rtol * |want|. */
export interface Tolerance {
  /** Absolute tolerance. */
  readonly atol: number;
  /** Tolerance relative to |want|. */
  readonly rtol: number;
}

/** The float32 tolerance of golden comparisons: 1e-5 + 1e-4 * |want|. */
export const GOLDEN_TOLERANCE: Tolerance = Object.freeze({ atol: 1e-5, rtol: 1e-4 });

/** How far one tensor is from another. */
export interface Comparison {
  /** Largest |got - want| (Infinity on a shape mismatch, NaN when an element is NaN). */
  readonly maxAbsError: number;
  /** Largest |got - want| / |want| over elements with want != 0. */
  readonly maxRelError: number;
  /** Largest |got - want| / (atol + rtol * |want|); at most 1 means every element is within tolerance. */
  readonly worstRatio: number;
  /** True when shapes match and every element is within tolerance (`worstRatio` <= 1). */
  readonly pass: boolean;
  /** Why it failed (shape mismatch, NaN, index of the worst element), or '' when it passed. */
  readonly detail: string;
}

/**
 * Compares element-wise with a tolerance relative to magnitude: |got - want| <= atol + rtol * |want|.
 * NaN anywhere fails.
 */
export function compareTensors(got: Tensor, want: Tensor, tol: Tolerance = GOLDEN_TOLERANCE): Comparison {
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
    const detail = `shape [${got.shape.join(', ')}], expected [${want.shape.join(', ')}]`;
    return { maxAbsError: Infinity, maxRelError: Infinity, worstRatio: Infinity, pass: false, detail };
  }
  let maxAbs = 0;
  let maxRel = 0;
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < want.data.length; i++) {
    const w = want.data[i] as number;
    const g = got.data[i] as number;
    const err = Math.abs(g - w);
    if (Number.isNaN(err)) {
      return {
        maxAbsError: NaN,
        maxRelError: NaN,
        worstRatio: Infinity,
        pass: false,
        detail: `element ${i} is ${g}, expected ${w}`,
      };
    }
    if (err > maxAbs) maxAbs = err;
    if (w !== 0 && err / Math.abs(w) > maxRel) maxRel = err / Math.abs(w);
    const ratio = err / (tol.atol + tol.rtol * Math.abs(w));
    if (ratio > worst) {
      worst = ratio;
      worstAt = i;
    }
  }
  const pass = worst <= 1;
  const detail = pass ? '' : `element ${worstAt} is ${got.data[worstAt]}, expected ${want.data[worstAt]}`;
  return { maxAbsError: maxAbs, maxRelError: maxRel, worstRatio: worst, pass, detail };
}
