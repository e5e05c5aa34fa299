import { describe, it } from 'vitest';
import { underCi, webgpuAdapter } from './webgpu-adapter.js';

/**
 * Registers `register()` when the page has a WebGPU adapter. Without one, CI=true gets a failing test
 * (the lane must run there) and a developer machine a skipped one that says why.
 */
export async function withWebgpu(title: string, register: (adapter: string) => void): Promise<void> {
  const adapter = await webgpuAdapter();
  if ('name' in adapter) {
    register(adapter.name);
    return;
  }
  describe(title, () => {
    if (underCi()) {
      it('has a WebGPU adapter (required under CI=true)', () => {
        throw new Error(`no WebGPU adapter in Chromium: ${adapter.missing}`);
      });
    } else {
      // Skipped on purpose: this machine's Chromium offers no WebGPU adapter (CI=true fails instead).
      it.skip(`no WebGPU adapter: ${adapter.missing}`, () => {});
    }
  });
}
