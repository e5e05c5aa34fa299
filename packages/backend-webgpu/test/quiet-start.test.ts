import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hasVulkanLoader } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';

const dist = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js')).href;

// A user's program starting the backend: Dawn must not write "Couldn't load Vulkan" into its stderr.
// Run in a fresh process, because Dawn writes to fd 2 natively.
describe('starting the backend is quiet', () => {
  it('prints nothing to stderr, with or without an adapter, and reports a missing Vulkan loader as BackendInitError', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { createBackend } from ${JSON.stringify(dist)};
      try {
        const b = await createBackend();
        process.stdout.write('started ' + b.device);
        await b.dispose();
      } catch (e) {
        process.stdout.write(e.name + ': ' + e.message);
      }`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/Couldn't load Vulkan/);
    if (!hasVulkanLoader()) {
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^BackendInitError: .*Vulkan loader \(libvulkan\.so\.1\) is not installed/);
    } else {
      expect(r.stdout).toMatch(/^(started webgpu|BackendInitError)/);
    }
  });
});
