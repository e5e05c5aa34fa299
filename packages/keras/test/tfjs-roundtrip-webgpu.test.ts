import { describe, expect, it } from 'vitest';
import { checkRoundTrip } from './roundtrip-property.js';

// The same property on @deeprnn/backend-webgpu (lavapipe on CI). Without an adapter: skipped with the
// reason outside CI, failed under CI=true (the lane must run there).
const webgpu = await import('@deeprnn/backend-webgpu');
const probe = await webgpu.createBackend().catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));

if (probe instanceof Error) {
  if (process.env.CI) {
    describe('keras round trip on webgpu, on CI', () => {
      it('finds a WebGPU adapter (run tools/ci/setup-lavapipe.sh and source its env.sh)', () => {
        throw probe;
      });
    });
  } else {
    console.warn(`skipped: keras round trip on webgpu: ${probe.message}`);
    describe(`keras round trip on webgpu (skipped: ${probe.message})`, () => {
      it.skip('needs a WebGPU adapter', () => undefined);
    });
  }
} else {
  describe('tfjs-layers models imported into deeprnn predict what tfjs-layers predicts, on webgpu', () => {
    it('for random models', async () => {
      try {
        const { ran } = await checkRoundTrip([probe], 8);
        expect(ran.get(probe.name) ?? 0).toBeGreaterThan(0);
      } finally {
        await probe.dispose();
      }
    }, 600_000);
  });
}
