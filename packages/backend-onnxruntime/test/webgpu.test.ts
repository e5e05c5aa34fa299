import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkGoldenCase, parseGoldenCase } from '@deeprnn/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

// The WebGPU lane: runs where a Vulkan driver is configured (CI sources tools/ci/setup-lavapipe.sh's
// env.sh, which points Dawn at Mesa's software lavapipe). Small shapes: lavapipe is slow.
// Outside CI a machine without one skips this lane with the reason printed; CI must run it.
const hasVulkan = Boolean(process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES);
const skip = !hasVulkan && process.env.CI !== 'true';
if (skip)
  console.warn(
    'onnxruntime webgpu golden: skipped: no Vulkan driver configured (VK_DRIVER_FILES / VK_ICD_FILENAMES unset; tools/ci/setup-lavapipe.sh)',
  );
// The project's own PyTorch cases, plus ../shared's when it is beside the repository.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dirs = [join(root, 'fixtures', 'pytorch'), join(root, '..', 'shared', 'golden', 'pytorch')].filter((d) =>
  existsSync(d),
);
const cases = dirs.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .map((f) => join(d, f)),
);

// vitest still runs a skipped describe's body to collect it: start the backend in beforeAll, which a skip does not run.
describe.skipIf(skip)('golden cases on the WebGPU execution provider', () => {
  let backend: Awaited<ReturnType<typeof createBackend>>;
  beforeAll(async () => {
    backend = await createBackend({ executionProviders: ['webgpu'] });
  });
  it('runs on webgpu', () => {
    expect(backend.device).toBe('webgpu');
    expect(backend.notices).toEqual([]);
  });
  it.each(cases)('%s', async (file) => {
    const result = await checkGoldenCase(backend, parseGoldenCase(JSON.parse(readFileSync(file, 'utf8')), file));
    expect(result.failures).toEqual([]);
  });
  it('disposes', async () => {
    await backend.dispose();
  });
});
