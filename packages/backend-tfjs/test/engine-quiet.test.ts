import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js')).href;

// A user's program creating tfjs backends: engine probing must not print Dawn's "Couldn't load Vulkan"
// (where no Vulkan loader is installed the webgpu engine is skipped before Dawn starts) nor say
// anything twice. Spawned, so that native writes to fd 2 are seen.
describe('engine probing is quiet', () => {
  it('two createBackend() calls print no probe noise on stderr', () => {
    const program = `import { createBackend } from ${JSON.stringify(dist)};
      const a = await createBackend(); const b = await createBackend();
      process.stdout.write(JSON.stringify(a.notices)); await a.dispose(); await b.dispose();`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/Couldn't load Vulkan|XDG_RUNTIME_DIR/);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(new Set(lines).size).toBe(lines.length);
    const notices = JSON.parse(r.stdout) as string[];
    expect(new Set(notices).size).toBe(notices.length);
  });
});
