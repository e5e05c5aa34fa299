import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasVulkanLoader } from '@deeprnn/core';

const dist = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js')).href;

/** Runs an ES module program in a fresh Node process: native writes to fd 2 show in its stderr. */
function run(program: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

// A user's program creating backends: no Dawn "Couldn't load Vulkan" or "XDG_RUNTIME_DIR" lines and no
// ORT log lines in its stderr, with or without a WebGPU adapter, and nothing said twice. (Where an
// adapter exists, Dawn itself may note a driver's limits once per process, natively, e.g. lavapipe's
// "maxDynamicUniformBuffersPerPipelineLayout artificially reduced"; onnxruntime-node has no switch
// for Dawn's own log.)
describe('probing providers is quiet', () => {
  it('two createBackend() calls with the default providers print no probe noise, and each notice once', () => {
    const { stdout, stderr, status } = run(`
      import { createBackend } from ${JSON.stringify(dist)};
      const a = await createBackend();
      const b = await createBackend();
      process.stdout.write(JSON.stringify({ device: a.device, notices: a.notices, again: b.notices }));
      await a.dispose();
      await b.dispose();`);
    expect(stderr).not.toMatch(/Couldn't load Vulkan|XDG_RUNTIME_DIR|onnxruntime|\[[EW]:/);
    const lines = stderr.split('\n').filter((l) => l.trim() !== '');
    expect(new Set(lines).size).toBe(lines.length);
    if (!hasVulkanLoader()) expect(stderr).toBe('');
    expect(status).toBe(0);
    const report = JSON.parse(stdout) as { device: string; notices: string[]; again: string[] };
    expect(['cpu', 'webgpu', 'cuda:0']).toContain(report.device);
    expect(new Set(report.notices).size).toBe(report.notices.length);
    expect(report.again).toEqual(report.notices);
  });

  it('finds the Vulkan loader where ld.so would, and answers true off Linux', () => {
    expect(hasVulkanLoader('darwin', {})).toBe(true);
    if (process.env.LD_LIBRARY_PATH?.includes('lavapipe')) expect(hasVulkanLoader()).toBe(true);
  });
});
