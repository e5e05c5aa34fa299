import { runConformance } from '@deeprnn/conformance/vitest';
import { describe, it } from 'vitest';
import { TfjsBackend, createBackend } from '../src/index.js';

// NaN in, NaN out on the WebGPU engine too (WGSL's min/max/clamp leave NaN implementation-defined;
// tfjs's shaders check for it). Where no adapter exists this file is skipped: test/webgpu.test.ts
// already fails under CI=true then.
const probe = await createBackend({ engines: ['webgpu'] }).catch((e: unknown) => e);
const isAvailable = probe instanceof TfjsBackend;
if (isAvailable) await probe.dispose();

if (isAvailable) {
  runConformance('tfjs webgpu', () => createBackend({ engines: ['webgpu'] }), { properties: ['non-finite'] });
} else {
  describe('tfjs webgpu non-finite', () => {
    it.skip(`no WebGPU adapter here: ${probe instanceof Error ? probe.message : String(probe)}`, () => {});
  });
}
