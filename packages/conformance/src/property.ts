import type fc from 'fast-check';
import type { PropertyContext } from './context.js';
import type { Meter } from './measure.js';

/** Names of the conformance properties, in the order they run. */
export const PROPERTY_NAMES = [
  'agreement',
  'non-finite',
  'streaming',
  'device-stream',
  'device-stream-rows',
  'batch-independence',
  'bidirectional',
  'lengths',
  'tied-layers',
  'onnx-round-trip',
  'determinism',
  'bad-input',
  'dispose',
  'capabilities',
  'gradients',
  'trainer',
] as const;

/** One of {@link PROPERTY_NAMES}. */
export type PropertyName = (typeof PROPERTY_NAMES)[number];

/** A named, reusable check: what it draws and what must hold for every draw. */
export interface ConformanceProperty<C = unknown> {
  /** The property's stable name, used in reports and to select which properties run. */
  readonly name: PropertyName;
  /** One line for reports and the README. */
  readonly summary: string;
  /** Runs at scale 1 (the CI budget). */
  readonly baseRuns: number;
  /** Why the property does not apply to this backend (shows as skipped), or null. */
  skipReason(ctx: PropertyContext): string | null;
  /** The fast-check generator of cases (spec, parameters, inputs) for `ctx`'s backend. */
  arbitrary(ctx: PropertyContext): fc.Arbitrary<C>;
  /**
   * Cases that once failed on some backend, checked before every run's random draws (fast-check's
   * `examples`), so a fixed defect stays fixed whatever the seed. Each must be a value `arbitrary`
   * could draw for `ctx`; return none where `ctx`'s backend cannot run it.
   */
  examples?(ctx: PropertyContext): readonly C[];
  /** Runs one drawn case, recording comparisons and failures in `meter`. */
  check(ctx: PropertyContext, drawn: C, meter: Meter): Promise<void>;
}

/** Erases a property's case type so properties of different cases fit in one list. */
export function defineProperty<C>(property: ConformanceProperty<C>): ConformanceProperty {
  return property as unknown as ConformanceProperty;
}
