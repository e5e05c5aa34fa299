import fc from 'fast-check';
import type { PropertyContext } from './context.js';
import { Meter } from './measure.js';
import type { ConformanceProperty, PropertyName } from './property.js';

/** How one property was run. */
export interface RunSettings {
  /** Number of drawn cases (fast-check `numRuns`). */
  readonly runs: number;
  /** fast-check seed; absent means a fresh one (reported either way). */
  readonly seed?: number;
  /** Replay path of a failure (with its seed): runs only that case and its shrinks. */
  readonly path?: string;
  /** Stop drawing new cases after this many ms; the runs done so far count. */
  readonly timeLimitMs?: number;
}

/** What it takes to replay a failure: the seed, the path and the shrunk case. */
export interface PropertyFailure {
  /** The fast-check seed of the run; pass it as {@link RunSettings.seed} to replay. */
  readonly seed: number;
  /** fast-check's counterexample path; pass it with the seed as {@link RunSettings.path} to replay only this case. */
  readonly path: string;
  /** The smallest failing case fast-check found, as JSON (a recipe: config, seeds, sizes). */
  readonly counterexample: string;
  /** What went wrong for that case. */
  readonly message: string;
}

/** The outcome of one property against one backend. */
export interface PropertyResult {
  /** The property's name. */
  readonly property: PropertyName;
  /** Cases that ran (0 when skipped). */
  readonly runs: number;
  /** Drawn cases discarded by a precondition (exploded or ill-conditioned draws). */
  readonly discarded: number;
  /** Largest relative error seen against the expected values (0 for exact checks that passed). */
  readonly maxError: number;
  /** True when it held for every case that ran (and when it was skipped). */
  readonly pass: boolean;
  /** Why the property does not apply, when it was skipped. */
  readonly skipped?: string;
  /** How to replay the failure; present exactly when `pass` is false. */
  readonly failure?: PropertyFailure;
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/** Runs one property with fast-check and reports the result instead of throwing. */
export async function checkProperty(
  ctx: PropertyContext,
  property: ConformanceProperty,
  settings: RunSettings,
): Promise<PropertyResult> {
  const skipped = property.skipReason(ctx);
  if (skipped !== null) return { property: property.name, runs: 0, discarded: 0, maxError: 0, pass: true, skipped };
  let maxError = 0;
  // fast-check's time limit abandons the case in flight (it races it with a timer): remember every case,
  // and let an abandoned one finish before returning, so that it never overlaps the next property's
  // cases or the backend's disposal (two calls at once broke onnxruntime-web's wasm heap in CI).
  const inFlight = new Set<Promise<void>>();
  const predicate = fc.asyncProperty(property.arbitrary(ctx), (drawn) => {
    const run = (async (): Promise<void> => {
      const meter = new Meter(ctx.tolerance);
      try {
        await property.check(ctx, drawn, meter);
      } finally {
        maxError = Math.max(maxError, meter.maxError);
      }
      meter.throwIfFailed();
    })();
    inFlight.add(run);
    void run.then(
      () => inFlight.delete(run),
      () => inFlight.delete(run),
    );
    return run;
  });
  const examples = (property.examples?.(ctx) ?? []).map((e): [unknown] => [e]);
  const details = await fc.check(predicate, {
    numRuns: settings.runs,
    ...(examples.length > 0 ? { examples } : {}),
    ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
    ...(settings.path !== undefined ? { path: settings.path } : {}),
    ...(settings.timeLimitMs !== undefined
      ? { interruptAfterTimeLimit: settings.timeLimitMs, markInterruptAsFailure: false }
      : {}),
  });
  // An abandoned case's outcome does not count (fast-check stopped before it); only its end is awaited.
  await Promise.allSettled([...inFlight]);
  const runs = details.numRuns;
  const discarded = details.numSkips;
  if (!details.failed) return { property: property.name, runs, discarded, maxError, pass: true };
  const error = details.errorInstance;
  const message =
    error instanceof Error
      ? error.message
      : details.interrupted && runs === 0
        ? `the time limit (${(settings.timeLimitMs ?? 0) / 1000} s, DEEPRNN_FC_TIME_LIMIT_S) ran out before one case finished`
        : details.counterexample === null
          ? 'fast-check gave up (too many discarded cases)'
          : String(error);
  return {
    property: property.name,
    runs,
    discarded,
    maxError,
    pass: false,
    failure: {
      seed: details.seed,
      path: details.counterexamplePath ?? '',
      counterexample: details.counterexample === null ? '' : toJson(details.counterexample[0]),
      message,
    },
  };
}
