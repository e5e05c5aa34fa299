import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './run-cli.js';

// Expected values hard-coded in ONNX Runtime's, tfjs-layers' and Keras's own tests (../shared/peer-cases):
// 5 of the 11 need `lengths` or give only the final state (an `expected` block).
const peerDir = join(repoRoot, '../shared/peer-cases');
const isCi = process.env.CI === 'true';
const peerMissing = existsSync(peerDir) ? null : `${peerDir} is missing (../shared beside the repository)`;
if (peerMissing !== null && !isCi) console.warn(`cli golden: skipping the peer cases: ${peerMissing}`);
const skipPeers = peerMissing !== null && !isCi;
// The webgpu lane needs a Vulkan driver (lavapipe: source .cache/lavapipe/env.sh); CI must run it.
const hasVulkan = Boolean(process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES);
if (!hasVulkan && !isCi)
  console.warn(
    'cli golden: skipping the webgpu peer lane: no Vulkan driver in the environment (source .cache/lavapipe/env.sh)',
  );

const lanes: [string, string[], boolean][] = [
  ['reference', ['--backend', 'reference'], skipPeers],
  ['reference float64', ['--backend', 'reference', '--dtype', 'float64'], skipPeers],
  ['onnxruntime cpu', ['--backend', 'onnxruntime', '--provider', 'cpu'], skipPeers],
  ['tfjs wasm', ['--backend', 'tfjs', '--engine', 'wasm'], skipPeers],
  ['webgpu (lavapipe on CI)', ['--backend', 'webgpu'], skipPeers || (!hasVulkan && !isCi)],
];

describe('deeprnn golden on the peer cases', () => {
  for (const [lane, args, skip] of lanes) {
    it.skipIf(skip)(`${lane} passes 11/11, saying what each case compares`, { timeout: 300_000 }, () => {
      const r = runCli(['golden', peerDir, ...args]);
      expect(r.stdout.match(/^FAIL .*/gm) ?? []).toEqual([]);
      expect(r.stdout.trim().split('\n').at(-1)).toBe('11 passed, 0 failed');
      expect(r.stdout).toMatch(/^tfjs_lstm_mask_lengths\s.*\spass\s+hN cN \(lengths\)$/m);
      expect(r.stdout).toMatch(/^keras3_gru_reset_after\s.*\spass\s+hN$/m);
      expect(r.stdout).toMatch(/^ort_gru_bidir_seqlens_lbr1\s.*\spass\s+output hN \(lengths\)$/m);
      expect(r.code).toBe(0);
    });
  }
});

describe('deeprnn golden on files the case format cannot hold', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deeprnn-golden-peer-'));
  const peerFile = join(peerDir, 'tfjs_lstm_mask_lengths.json');

  it.skipIf(skipPeers)('names the file and the field of a malformed peer case, exit 3, before any table', () => {
    const json = JSON.parse(readFileSync(peerFile, 'utf8')) as { lengths: number[] };
    json.lengths[2] = 7;
    const file = join(dir, 'bad_lengths.json');
    writeFileSync(file, JSON.stringify(json));
    const r = runCli(['golden', file]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `deeprnn: golden: ${file}: lengths[2] must be an integer in [0, 6] (the input's T), got 7`,
    );
  });

  it.skipIf(skipPeers)('refuses expected values given twice (an expected block and top-level hN)', () => {
    const json = JSON.parse(readFileSync(peerFile, 'utf8')) as Record<string, unknown> & { expected: { hN: unknown } };
    const file = join(dir, 'twice.json');
    writeFileSync(file, JSON.stringify({ ...json, hN: json.expected.hN }));
    const r = runCli(['golden', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /golden: .*twice\.json: expected and hN are both given; give the expected values in one place/,
    );
  });

  it('a named JSON file that is not a case: exit 3 saying which file and why (was an empty table, exit 1)', () => {
    const file = join(dir, 'index.json');
    writeFileSync(file, '{"cases": []}');
    const r = runCli(['golden', file]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `deeprnn: golden: ${file}: not a golden case: config, params, input missing (a case has config, params, input and expected values)`,
    );
  });

  it('a named file that is not JSON: exit 3 saying so', () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'hello');
    const r = runCli(['golden', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`golden: ${file} is not a golden case: not JSON (`);
  });

  it('a named device (/dev/zero) is refused at once, not read (exit 3)', () => {
    const r = runCli(['golden', '/dev/zero']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/golden: \/dev\/zero is a character device, expected a regular file/);
  });

  it('in a folder, a JSON file with neither config nor params is skipped with a note; the cases run', () => {
    const sub = mkdtempSync(join(tmpdir(), 'deeprnn-golden-mixed-'));
    writeFileSync(join(sub, 'manifest.json'), '{"files": ["a"]}');
    // Another format's expected values (fixtures/keras): an input and outputs, but no model.
    writeFileSync(join(sub, 'other.expected.json'), '{"input": {"shape": [1], "data": [0]}, "output": {}}');
    writeFileSync(join(sub, 'gru.json'), readFileSync(join(repoRoot, 'fixtures/pytorch/proj_gru_l1.json')));
    const r = runCli(['golden', sub]);
    expect(r.stderr).toBe(
      `note: golden: skipped ${join(sub, 'manifest.json')}: not a golden case (no config, params)\n` +
        `note: golden: skipped ${join(sub, 'other.expected.json')}: not a golden case (no config, params)\n`,
    );
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it('a folder whose only JSON is skipped: exit 3, nothing to run', () => {
    const sub = mkdtempSync(join(tmpdir(), 'deeprnn-golden-none-'));
    writeFileSync(join(sub, 'manifest.json'), '{"files": []}');
    const r = runCli(['golden', sub]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /skipped .*manifest\.json: not a golden case[\s\S]*golden: expected case files .* found none/,
    );
  });
});
