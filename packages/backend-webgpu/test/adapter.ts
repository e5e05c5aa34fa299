import { describe, it } from 'vitest';
import { type WebgpuBackend, createBackend } from '../src/index.js';

/**
 * One probe per test file: a backend on the machine's WebGPU adapter, or the error that says why
 * there is none. CI runs these files on Mesa lavapipe (tools/ci/setup-lavapipe.sh).
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
  return probe instanceof Error ? ` (skipped: no WebGPU adapter: ${probe.message})` : '';
}
