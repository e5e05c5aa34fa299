/**
 * Workgroup memory as the kernels declare it. Every recurrent kernel lists its `var<workgroup>`
 * arrays here (name and f32 count); the same list writes the WGSL declarations and decides how
 * many batch rows fit and whether a spec fits at all, so the check and the compiled kernel cannot
 * disagree.
 */

/** One `var<workgroup>` array of f32 a kernel declares. */
export interface WorkgroupArray {
  readonly name: string;
  /** Number of f32 elements. */
  readonly words: number;
}

/** WebGPU counts each workgroup variable rounded up to 16 bytes (its size rounded to its alignment, then to 16). */
const VARIABLE_ROUNDING = 16;

/** Bytes these arrays take against `maxComputeWorkgroupStorageSize`, as WebGPU counts them. */
export function workgroupBytes(arrays: readonly WorkgroupArray[]): number {
  return arrays.reduce((sum, a) => sum + Math.ceil((4 * a.words) / VARIABLE_ROUNDING) * VARIABLE_ROUNDING, 0);
}

/** The WGSL declarations of `arrays`. */
export function declareWorkgroup(arrays: readonly WorkgroupArray[]): string {
  return arrays.map((a) => `var<workgroup> ${a.name}: array<f32, ${a.words}>;`).join('\n');
}

/**
 * The most batch rows per workgroup, at most `most`, whose arrays fit in `limitBytes`, or 0 when
 * not even one row fits. `arraysFor(R)` is the kernel's list for R rows.
 */
export function rowsThatFit(
  arraysFor: (R: number) => readonly WorkgroupArray[],
  limitBytes: number,
  most: number,
): number {
  let R = 0;
  while (R < most && workgroupBytes(arraysFor(R + 1)) <= limitBytes) R++;
  return R;
}

/**
 * Why one batch row of a kernel does not fit in the device's workgroup memory, or null.
 * `what` names the kernel and the spec, e.g. `hiddenSize 1366`.
 */
export function workgroupProblem(what: string, arrays: readonly WorkgroupArray[], limitBytes: number): string | null {
  const bytes = workgroupBytes(arrays);
  if (bytes <= limitBytes) return null;
  return `${what} needs ${bytes} bytes of workgroup memory per batch row (${arrays.map((a) => `${a.name} ${a.words} f32`).join(', ')}, each rounded up to 16 bytes), more than this device's maxComputeWorkgroupStorageSize of ${limitBytes}`;
}
