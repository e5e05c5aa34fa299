import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hasVulkanLoader } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';

const dist = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js')).href;
const quiet = pathToFileURL(
  join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'device', 'quiet-stderr.js'),
).href;

/**
 * Runs an ES module snippet in a fresh Node process (Dawn writes to fd 2 natively, so only a child
 * shows it), its stderr a file as in `node app.js 2>log` (Node's own 'pipe' stdio is a socket, which
 * withStderrSilenced cannot reopen and so leaves alone).
 */
function node(code: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'quiet-start-'));
  const path = join(dir, 'stderr.txt');
  const fd = openSync(path, 'w');
  try {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', fd],
    });
    return { status: r.status, stdout: r.stdout, stderr: readFileSync(path, 'utf8') };
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

// A user's program starting the backend: Dawn must write neither "Couldn't load Vulkan" (no
// loader) nor its two "artificially reduced" limit warnings (lavapipe) into the program's stderr.
describe('starting the backend is quiet', () => {
  it('prints nothing to stderr, with or without an adapter, and reports a missing Vulkan loader as BackendInitError', () => {
    const r = node(`
      import { createBackend } from ${JSON.stringify(dist)};
      try {
        const b = await createBackend();
        process.stdout.write('started ' + b.device);
        await b.dispose();
      } catch (e) {
        process.stdout.write(e.name + ': ' + e.message);
      }`);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    if (!hasVulkanLoader()) {
      expect(r.stdout).toMatch(/^BackendInitError: .*Vulkan loader \(libvulkan\.so\.1\) is not installed/);
      // A package user is told what to install, not a script only the repository has.
      expect(r.stdout).toMatch(/apt install mesa-vulkan-drivers/);
      expect(r.stdout).toMatch(/Contributors to the deeprnn repository: tools\/ci\/setup-lavapipe\.sh/);
    } else {
      expect(r.stdout).toMatch(/^(started webgpu|BackendInitError)/);
    }
  });

  it('withStderrSilenced drops what native code writes to fd 2 during the call and restores stderr after', () => {
    const r = node(`
      import { writeSync } from 'node:fs';
      import { withStderrSilenced } from ${JSON.stringify(quiet)};
      writeSync(2, 'before\\n');
      const v = withStderrSilenced(() => { writeSync(2, 'during\\n'); return 7; });
      writeSync(2, 'after ' + v + '\\n');
      try { withStderrSilenced(() => { throw new Error('x'); }); } catch {}
      console.error('console.error after a throw');`);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      process.platform === 'linux'
        ? 'before\nafter 7\nconsole.error after a throw\n'
        : 'before\nduring\nafter 7\nconsole.error after a throw\n',
    );
  });
});
