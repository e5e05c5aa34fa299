import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkGoldenCase, parseGoldenCase } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

// The WebGPU lane: runs where a Vulkan driver is configured (CI sources tools/ci/setup-lavapipe.sh's
// env.sh, which points Dawn at Mesa's software lavapipe). Small shapes: lavapipe is slow.
const hasVulkan = Boolean(process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES);
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'golden', 'pytorch');
const cases = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json');

describe.skipIf(!hasVulkan)('golden cases on the WebGPU execution provider', async () => {
  const backend = hasVulkan ? await createBackend({ executionProviders: ['webgpu'] }) : null;
  it('runs on webgpu', () => {
    expect(backend?.device).toBe('webgpu');
    expect(backend?.notices).toEqual([]);
  });
  it.each(cases)('%s', async (file) => {
    const result = await checkGoldenCase(backend!, parseGoldenCase(JSON.parse(readFileSync(join(dir, file), 'utf8')), file));
    expect(result.failures).toEqual([]);
  });
  it('disposes', async () => {
    await backend?.dispose();
  });
});
