import type { Backend } from '@deeprnn/core';
import { PROPERTIES } from './all-properties.js';
import { checkProperty, type PropertyResult } from './check-property.js';
import { type OnnxCodec, buildContext } from './context.js';
import type { PropertyName } from './property.js';
import { readSettings, scaledRuns } from './settings.js';

/** A backend, or a function that makes a fresh one (lets `dispose` also check whole backends). */
export type BackendSource = Backend | (() => Backend | Promise<Backend>);

/** Options of {@link checkBackend}. */
export interface CheckOptions {
  /** Cases per property; default each property's CI count times `DEEPRNN_FC_RUNS`. */
  readonly runs?: number;
  /** fast-check seed; default `FC_SEED`, else fresh (printed in failures). */
  readonly seed?: number;
  /** fast-check replay path; default `FC_PATH`. Use with `properties` naming one property. */
  readonly path?: string;
  /** Only these properties (default all). */
  readonly properties?: readonly PropertyName[];
  /** ONNX export/import, for the round-trip property (skipped without it). */
  readonly onnx?: OnnxCodec;
  /** Per-property time budget in ms; default `DEEPRNN_FC_TIME_LIMIT_S`. */
  readonly timeLimitMs?: number;
  /** Called after each property, e.g. to print progress. */
  readonly onResult?: (result: PropertyResult) => void;
}

/** True when `source` is a backend rather than a factory. */
export function isBackend(source: BackendSource): source is Backend {
  return typeof source === 'object' && source !== null;
}

/**
 * Runs the conformance properties against a backend outside any test framework (the CLI's `check`).
 * Nothing is thrown for a failing property: each result says pass or fail, the largest error seen
 * and, on failure, the seed, path and shrunk case that replay it.
 *
 * @param source - the backend under test (not disposed here), or a factory for one (disposed here).
 * @param options - runs, seed, path, which properties, the ONNX codec.
 * @returns one result per property, in the order of {@link PROPERTY_NAMES}.
 * @example
 * ```ts
 * const results = await checkBackend(createReferenceBackend(), { runs: 20, seed: 42 });
 * const failed = results.filter((r) => !r.pass);
 * ```
 */
export async function checkBackend(source: BackendSource, options: CheckOptions = {}): Promise<PropertyResult[]> {
  const env = readSettings();
  const factory = isBackend(source) ? undefined : async (): Promise<Backend> => source();
  const backend = isBackend(source) ? source : await source();
  try {
    const ctx = await buildContext(backend, {
      ...(options.onnx ? { onnx: options.onnx } : {}),
      ...(factory ? { backendFactory: factory } : {}),
    });
    const wanted = options.properties;
    const results: PropertyResult[] = [];
    for (const property of PROPERTIES) {
      if (wanted && !wanted.includes(property.name)) continue;
      const seed = options.seed ?? env.seed;
      const path = options.path ?? env.path;
      const result = await checkProperty(ctx, property, {
        runs: options.runs ?? scaledRuns(property.baseRuns, env.scale),
        timeLimitMs: options.timeLimitMs ?? env.timeLimitMs,
        ...(seed !== undefined ? { seed } : {}),
        ...(path !== undefined ? { path } : {}),
      });
      options.onResult?.(result);
      results.push(result);
    }
    return results;
  } finally {
    if (!isBackend(source)) await backend.dispose();
  }
}
