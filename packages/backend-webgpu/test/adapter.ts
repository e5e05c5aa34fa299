import { describe, it } from 'vitest';
import { type WebgpuBackend, createBackend } from '../src/index.js';

/**
 * The one adapter probe of this package's tests: a backend on the machine's WebGPU adapter, or the
 * error that says why there is none. CI runs these files on Mesa lavapipe
 * (tools/ci/setup-lavapipe.sh, then source its env.sh).
 */
export async function probeBackend(): Promise<WebgpuBackend | Error> {
  return createBackend().catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
}

/** Under CI=true a missing adapter FAILS the file (a test that rethrows the probe's error); elsewhere the caller skips. */
export function failOnCiWithoutAdapter(probe: WebgpuBackend | Error, what: string): void {
  if (!(probe instanceof Error) || !process.env.CI) return;
  describe(`${what} on CI`, () => {
    it('finds a WebGPU adapter (run tools/ci/setup-lavapipe.sh and source its env.sh)', () => {
      throw probe;
    });
  });
}

/** The skip title suffix naming why a suite did not run. */
export function skipNote(probe: WebgpuBackend | Error): string {
  return probe instanceof Error ? ` (skipped: ${probe.message})` : '';
}

/**
 * Registers `body` as a suite on the probed backend, or, without an adapter, a skipped suite whose
 * title says why (and, under CI=true, a failing test). `describe.skipIf` is not enough: vitest still
 * runs a skipped suite's body to collect it, and a body that touches the backend then throws.
 */
export function describeOnAdapter(
  title: string,
  probe: WebgpuBackend | Error,
  body: (backend: WebgpuBackend) => void,
): void {
  if (probe instanceof Error) {
    failOnCiWithoutAdapter(probe, title);
    // Printed at collection (vitest shows it under the file), so a plain `npm test` says what it skipped.
    if (!process.env.CI) console.warn(`skipped: ${title}: ${probe.message}`);
    describe(`${title}${skipNote(probe)}`, () => {
      it.skip('needs a WebGPU adapter', () => undefined);
    });
    return;
  }
  describe(title, () => body(probe));
}
