import type { ForwardResult, Tensor, Tolerance } from '@deeprnn/core';

/** How far one tensor is from another, relative to the magnitude of the values. */
export interface Closeness {
  /** Largest |got - want| / max(|want|, rms(want), atol / rtol): a relative error with a floor. */
  readonly maxError: number;
  /** Every element within atol + rtol * max(|want|, rms(want)). */
  readonly pass: boolean;
  /** Where and how it failed, or ''. */
  readonly detail: string;
}

function rms(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]! * data[i]!;
  return data.length === 0 ? 0 : Math.sqrt(s / data.length);
}

/**
 * Compares `got` with `want` element by element. The error allowed at an element is
 * `atol + rtol * max(|want_i|, rms(want))`: relative to the element, but never to less than the
 * tensor's typical magnitude, since float32 sums of large terms that cancel lose digits relative to
 * the terms, not to the result. NaN or a shape mismatch always fails.
 */
export function closeness(got: Tensor, want: Tensor, tol: Tolerance): Closeness {
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
    return {
      maxError: Infinity,
      pass: false,
      detail: `shape [${got.shape.join(', ')}], expected [${want.shape.join(', ')}]`,
    };
  }
  const scale = rms(want.data);
  const floor = tol.rtol > 0 ? tol.atol / tol.rtol : 0;
  let maxError = 0;
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < want.data.length; i++) {
    const w = want.data[i]!;
    const g = got.data[i]!;
    if (g === w) continue;
    const err = Math.abs(g - w);
    if (Number.isNaN(err)) return { maxError: Infinity, pass: false, detail: `element ${i} is ${g}, expected ${w}` };
    const magnitude = Math.max(Math.abs(w), scale);
    const rel = err / Math.max(magnitude, floor, Number.MIN_VALUE);
    if (rel > maxError) maxError = rel;
    const ratio = err / (tol.atol + tol.rtol * magnitude);
    if (ratio > worst) {
      worst = ratio;
      worstAt = i;
    }
  }
  const pass = worst <= 1;
  const detail = pass
    ? ''
    : `element ${worstAt} is ${got.data[worstAt]}, expected ${want.data[worstAt]} (${worst.toPrecision(3)}x the tolerance)`;
  return { maxError, pass, detail };
}

/** True when two tensors have the same shape and the same bits (NaN equal to NaN). */
export function identical(got: Tensor, want: Tensor): string {
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
    return `shape [${got.shape.join(', ')}], expected [${want.shape.join(', ')}]`;
  }
  if (got.dtype !== want.dtype) return `dtype ${got.dtype}, expected ${want.dtype}`;
  for (let i = 0; i < want.data.length; i++) {
    if (!Object.is(got.data[i], want.data[i])) return `element ${i} is ${got.data[i]}, then ${want.data[i]}`;
  }
  return '';
}

/**
 * Collects the comparisons of one property run: the largest error seen and every problem found, so a
 * failure names each tensor that disagreed.
 */
export class Meter {
  /** Largest {@link Closeness.maxError} of this run. */
  maxError = 0;
  private readonly problems: string[] = [];

  constructor(
    /** The tolerance {@link Meter.close} applies when it is given none. */
    readonly tolerance: Tolerance,
  ) {}

  /** Records whether `got` is within tolerance of `want`. */
  close(label: string, got: Tensor | undefined, want: Tensor | undefined, tol: Tolerance = this.tolerance): void {
    if (!got || !want) {
      if (got !== want) this.fail(`${label}: ${got ? 'unexpected tensor' : 'missing'}`);
      return;
    }
    const c = closeness(got, want, tol);
    this.maxError = Math.max(this.maxError, c.maxError);
    if (!c.pass) this.fail(`${label}: ${c.detail}`);
  }

  /** Records whether `got` has the same bits as `want`. */
  same(label: string, got: Tensor | undefined, want: Tensor | undefined): void {
    if (!got || !want) {
      if (got !== want) this.fail(`${label}: ${got ? 'unexpected tensor' : 'missing'}`);
      return;
    }
    const why = identical(got, want);
    if (why !== '') {
      this.maxError = Infinity;
      this.fail(`${label}: ${why}`);
    }
  }

  /** Compares output, h and c of two forward results. */
  results(label: string, got: ForwardResult, want: ForwardResult, tol: Tolerance = this.tolerance): void {
    this.close(`${label} output`, got.output, want.output, tol);
    this.close(`${label} hN`, got.state.h, want.state.h, tol);
    this.close(`${label} cN`, got.state.c, want.state.c, tol);
  }

  /** Records a failure unless `ok`. */
  expect(ok: boolean, message: string): void {
    if (!ok) this.fail(message);
  }

  /** Records a failure. */
  fail(message: string): void {
    this.problems.push(message);
  }

  /** True when nothing failed. */
  get isPassing(): boolean {
    return this.problems.length === 0;
  }

  /** Throws an Error listing every problem, when there is one (fast-check's failure signal). */
  throwIfFailed(): void {
    if (this.problems.length > 0) throw new Error(this.problems.join('\n'));
  }
}
