import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, sharedGolden as shared, sharedMissing, skipShared } from './run-cli.js';

const fixtures = join(repoRoot, 'fixtures');

// Every backend and engine passes every golden case: shared PyTorch data, the d2l note's tied RNN,
// torch.onnx.export models (weights from the .onnx), and the project's own fixtures, including the
// single-node ONNX backend-test directories (peepholes, clip, activations, lengths).
const lanes: [string, string[]][] = [
  ['reference float64', ['--backend', 'reference', '--dtype', 'float64']],
  ['onnxruntime cpu', ['--backend', 'onnxruntime', '--provider', 'cpu']],
  ['tfjs wasm', ['--backend', 'tfjs', '--engine', 'wasm']],
  ['tfjs cpu', ['--backend', 'tfjs', '--engine', 'cpu']],
];

describe('deeprnn golden on every backend', () => {
  // Without ../shared (a bare clone, outside CI) the project's own fixtures still run.
  it.each(lanes)(`%s passes all ${skipShared ? 'project' : 'shared and project'} golden cases`, (_lane, args) => {
    const r = runCli(['golden', ...(skipShared ? [] : [shared]), fixtures, ...args]);
    const last = r.stdout.trim().split('\n').at(-1) ?? '';
    expect(r.stdout.match(/^FAIL .*/gm) ?? []).toEqual([]);
    expect(last).toMatch(/^\d+ passed, 0 failed$/);
    expect(Number(last.split(' ')[0])).toBeGreaterThanOrEqual(skipShared ? 60 : 90);
    expect(r.code).toBe(0);
  });

  // The WebGPU lane needs a Vulkan driver: CI installs Mesa's lavapipe (tools/ci/setup-lavapipe.sh)
  // and must run it; on a developer machine without one it is skipped.
  const hasVulkan = Boolean(process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES);
  it.skipIf((!hasVulkan && !process.env.CI) || skipShared)(
    `tfjs webgpu (lavapipe on CI) passes the shared golden cases${skipShared ? ` (skipped: ${sharedMissing})` : ''}`,
    () => {
      const r = runCli(['golden', shared, '--backend', 'tfjs', '--engine', 'webgpu']);
      expect(r.stdout.trim().split('\n').at(-1)).toBe('25 passed, 0 failed');
      expect(r.stdout).toMatch(/^backend tfjs on webgpu/m);
      expect(r.code).toBe(0);
    },
  );

  it.skipIf((!hasVulkan && !process.env.CI) || skipShared)(
    `onnxruntime webgpu (lavapipe on CI) passes the shared golden cases${skipShared ? ` (skipped: ${sharedMissing})` : ''}`,
    () => {
      const r = runCli(['golden', shared, '--backend', 'onnxruntime', '--provider', 'webgpu']);
      expect(r.stdout.trim().split('\n').at(-1)).toBe('25 passed, 0 failed');
      expect(r.stdout).toMatch(/^backend onnxruntime on webgpu/m);
      expect(r.code).toBe(0);
    },
  );
});
