import type { Backend } from './backend.js';
import { type Comparison, type Tolerance, GOLDEN_TOLERANCE, compareTensors } from './golden-compare.js';
import type { GoldenCase } from './golden.js';

/** The comparison of one golden case on one backend: the worst of all its runs and tensors. */
export interface GoldenResult {
  /** The case's name. */
  readonly name: string;
  /** True when every compared element of every run was within tolerance. */
  readonly pass: boolean;
  /** Largest |got - want| over every compared tensor of every run. */
  readonly maxAbsError: number;
  /** Largest |got - want| / |want| over elements with want != 0, over every run. */
  readonly maxRelError: number;
  /** One line per failing tensor, e.g. `runs[1].hN: element 3 is ..., expected ...`. */
  readonly failures: readonly string[];
}

/**
 * Runs every evaluation of a golden case on a backend (with its `lengths`, when given) and compares
 * the expected tensors it gives: output, hN and cN, or only those a final-state case names.
 *
 * @param backend - the backend under test; a model is created and disposed for the case.
 * @param goldenCase - a parsed case (see {@link parseGoldenCase}).
 * @param tolerance - defaults to {@link GOLDEN_TOLERANCE}.
 * @returns the worst errors over all runs and whether every element was within tolerance.
 */
export async function checkGoldenCase(
  backend: Backend,
  goldenCase: GoldenCase,
  tolerance: Tolerance = GOLDEN_TOLERANCE,
): Promise<GoldenResult> {
  const model = await backend.createModel(goldenCase.spec, goldenCase.params);
  const failures: string[] = [];
  let maxAbsError = 0;
  let maxRelError = 0;
  try {
    for (const [i, run] of goldenCase.runs.entries()) {
      const options = run.lengths !== undefined ? { lengths: run.lengths } : {};
      const { output, state } = await model.forward(run.input, run.initial, options);
      const checks: [string, Comparison][] = [];
      if (run.output !== null) checks.push(['output', compareTensors(output, run.output, tolerance)]);
      if (run.hN !== null) checks.push(['hN', compareTensors(state.h, run.hN, tolerance)]);
      if (run.cN !== null) {
        if (state.c === undefined) failures.push(`runs[${i}].cN: missing from the backend's result`);
        else checks.push(['cN', compareTensors(state.c, run.cN, tolerance)]);
      }
      for (const [what, c] of checks) {
        maxAbsError = Math.max(maxAbsError, c.maxAbsError);
        maxRelError = Math.max(maxRelError, c.maxRelError);
        if (!c.pass) failures.push(`runs[${i}].${what}: ${c.detail}`);
      }
    }
  } finally {
    await model.dispose();
  }
  return { name: goldenCase.name, pass: failures.length === 0, maxAbsError, maxRelError, failures };
}
