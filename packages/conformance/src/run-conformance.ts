import type { Backend } from '@deeprnn/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { PROPERTIES } from './all-properties.js';
import { type BackendSource, isBackend } from './check-backend.js';
import { checkProperty } from './check-property.js';
import { type OnnxCodec, type PropertyContext, buildContext } from './context.js';
import { formatFailure, vitestReplayCommand } from './failure-report.js';
import type { PropertyName } from './property.js';
import { readSettings, scaledRuns } from './settings.js';

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** ONNX export/import for the round-trip property; it is skipped without them. */
  readonly onnx?: OnnxCodec;
  /** Register only these properties (default all). */
  readonly properties?: readonly PropertyName[];
  /** Leave these properties out (another test file runs them, say). */
  readonly exclude?: readonly PropertyName[];
  /**
   * Wall-clock budget of each property in seconds, for backends whose first case of a new spec is
   * slow (compiling kernels on a software GPU); overrides DEEPRNN_FC_TIME_LIMIT_S.
   */
  readonly timeLimitS?: number;
}

/** Time for creating the backend and the oracle, and for disposing. */
const SETUP_TIMEOUT_MS = 120_000;

/**
 * Registers the conformance suite in vitest: one `describe` named `<name> conformance` with one test
 * per property. Properties that do not apply (no training, no ONNX codec) show as skipped with the
 * reason. A failing test prints the shrunk case, the seed and path, and the command that replays it.
 *
 * @param name - the backend's name in test titles.
 * @param source - the backend, or a factory for it (a factory also lets `dispose` check whole backends).
 *   The backend is disposed in `afterAll`.
 * @param options - the ONNX codec, a subset of properties.
 * @example
 * ```ts
 * // packages/backend-x/test/conformance.test.ts
 * import { runConformance } from '@deeprnn/conformance';
 * import { createBackend } from '../src/index.js';
 * runConformance('x', () => createBackend());
 * ```
 */
export function runConformance(name: string, source: BackendSource, options: ConformanceOptions = {}): void {
  const read = readSettings();
  const settings = options.timeLimitS !== undefined ? { ...read, timeLimitMs: options.timeLimitS * 1000 } : read;
  const suite = `${name} conformance`;
  describe(suite, () => {
    let backend: Backend | undefined;
    let ctx: PropertyContext | undefined;
    beforeAll(async () => {
      backend = isBackend(source) ? source : await source();
      const factory = isBackend(source) ? undefined : async (): Promise<Backend> => source();
      ctx = await buildContext(backend, {
        ...(options.onnx ? { onnx: options.onnx } : {}),
        ...(factory ? { backendFactory: factory } : {}),
      });
    }, SETUP_TIMEOUT_MS);
    afterAll(async () => {
      await backend?.dispose();
    }, SETUP_TIMEOUT_MS);
    for (const property of PROPERTIES) {
      if (options.properties && !options.properties.includes(property.name)) continue;
      if (options.exclude?.includes(property.name)) continue;
      it(
        property.name,
        async (test) => {
          if (!ctx) throw new Error(`${suite}: the backend did not start (see beforeAll)`);
          // Optional properties (gradients without training, the ONNX round trip without a codec) show
          // as skipped with the backend's own reason, e.g. "the backend does not declare training".
          const reason = property.skipReason(ctx);
          if (reason !== null) test.skip(reason);
          const result = await checkProperty(ctx, property, {
            runs: scaledRuns(property.baseRuns, settings.scale),
            timeLimitMs: settings.timeLimitMs,
            ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
            ...(settings.path !== undefined ? { path: settings.path } : {}),
          });
          if (!result.pass) {
            const file = relativeToCwd(test.task.file.filepath);
            throw new Error(
              formatFailure(name, result, (seed, path) =>
                vitestReplayCommand(file, `${suite} ${property.name}`, seed, path),
              ),
            );
          }
        },
        settings.timeLimitMs + SETUP_TIMEOUT_MS,
      );
    }
  });
}

/** `filepath` relative to the working directory when there is one (Node); as is in a browser page. */
function relativeToCwd(filepath: string): string {
  const cwd = (globalThis as { process?: { cwd?: () => string } }).process?.cwd?.();
  return cwd && filepath.startsWith(`${cwd}/`) ? filepath.slice(cwd.length + 1) : filepath;
}
