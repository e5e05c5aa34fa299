// Whether a lane's device is here, checked once per device before any lane runs, so a missing one
// costs a second, not a vitest start, and the summary can say why the lane was skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Dawn (the `webgpu` npm package) asked for an adapter in a child process: a missing Vulkan driver
// can abort the process, and Dawn prints warnings we do not want in the summary.
const DAWN_PROBE = `
const m = await import('webgpu');
for (const [k, v] of Object.entries(m.globals ?? {})) if (!(k in globalThis)) globalThis[k] = v;
const adapter = await m.create([]).requestAdapter();
if (!adapter) { console.log('no adapter'); process.exit(3); }
console.log('adapter ' + (adapter.info?.description || adapter.info?.device || adapter.info?.vendor || 'unknown'));
process.exit(0);
`;

/**
 * @param {'none' | 'dawn' | 'chromium'} device
 * @param {string} root - the repository root (where `webgpu` resolves from).
 * @returns {{ ok: true, what: string } | { ok: false, why: string }}
 */
export function checkDevice(device, root) {
  if (device === 'none') return { ok: true, what: 'cpu' };
  if (device === 'chromium') {
    const chromium = process.env.DEEPRNN_CHROMIUM ?? '/usr/bin/chromium';
    return existsSync(chromium)
      ? { ok: true, what: chromium }
      : { ok: false, why: `no Chromium at ${chromium} (apt-get install -y --no-install-recommends chromium)` };
  }
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', DAWN_PROBE], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status === 0 && line.startsWith('adapter ')) return { ok: true, what: line.slice('adapter '.length) };
  const hint =
    'no WebGPU adapter for Node (on Linux without a GPU: bash tools/ci/setup-lavapipe.sh, then source .cache/lavapipe/env.sh)';
  return { ok: false, why: `${hint}${line ? `: ${line}` : r.error ? `: ${r.error.message}` : ''}` };
}
