import { describe, it } from 'vitest';
import { type WebgpuBackend, createBackend } from '../src/index.js';

/**
 * The shared WebGPU backend of the training tests. With CI set, a missing adapter FAILS the file
 * (run tools/ci/setup-lavapipe.sh and source its env.sh); elsewhere the file is skipped, saying why.
 */
export async function probeBackend(): Promise<{ backend: WebgpuBackend | null; reason: string }> {
  const probe = await createBackend().catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  if (probe instanceof Error) {
    if (process.env.CI) {
      describe('webgpu on CI', () => {
        it('finds a WebGPU adapter (tools/ci/setup-lavapipe.sh, then source its env.sh)', () => {
          throw probe;
        });
      });
    }
    return { backend: null, reason: probe.message };
  }
  return { backend: probe, reason: '' };
}
