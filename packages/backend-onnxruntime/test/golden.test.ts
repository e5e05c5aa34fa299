import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GoldenCase, checkGoldenCase, parseGoldenCase } from '@deeprnn/core';
import { importOnnx } from '@deeprnn/onnx';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const DIRS = [
  join(repo, '..', 'shared', 'golden', 'pytorch'),
  join(repo, '..', 'shared', 'golden', 'seed-rnnlayer'),
  join(repo, '..', 'shared', 'golden', 'onnx-from-pytorch'),
  join(repo, 'fixtures', 'pytorch'),
  join(repo, 'packages', 'onnx', 'test', 'fixtures', 'torch'),
].filter((d) => existsSync(d));

// Expected values hard-coded in ONNX Runtime's, tfjs-layers' and Keras's own tests (lengths, final-state-only).
const PEER_DIR = join(repo, '..', 'shared', 'peer-cases');
const peerCases = existsSync(PEER_DIR)
  ? readdirSync(PEER_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => join(PEER_DIR, f))
  : [];
const isCi = process.env.CI === 'true';
if (peerCases.length === 0 && !isCi)
  console.warn(`onnxruntime golden: skipping the peer cases: none in ${PEER_DIR} (../shared beside the repository)`);

const cases = DIRS.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .map((f) => join(d, f)),
);

/**
 * Loads a case the way `deeprnn golden` does: when a NAME.onnx lies beside NAME.json, the weights
 * (and spec) come from importing the .onnx file, and every run is checked.
 */
function loadCase(file: string): GoldenCase {
  const golden = parseGoldenCase(JSON.parse(readFileSync(file, 'utf8')), file);
  const onnxFile = file.replace(/\.json$/, '.onnx');
  if (!existsSync(onnxFile)) return golden;
  const { spec, params } = importOnnx(readFileSync(onnxFile));
  return { ...golden, spec, params };
}

const backend = await createBackend({ executionProviders: ['cpu'] });
afterAll(() => backend.dispose());

describe('golden cases on onnxruntime (cpu)', () => {
  it('finds the golden sets', () => expect(cases.length).toBeGreaterThanOrEqual(30));
  it.each(cases.map((f) => [f.slice(repo.length - 4), f]))('%s', async (_label, file) => {
    const result = await checkGoldenCase(backend, loadCase(file));
    expect(result.failures).toEqual([]);
  });
});

describe('peer cases (ONNX Runtime, tfjs-layers, Keras expected values) on onnxruntime (cpu)', () => {
  // CI has ../shared and must run them; elsewhere a missing folder is a printed skip.
  it.skipIf(peerCases.length === 0 && !isCi)('finds all 11', () => expect(peerCases).toHaveLength(11));
  it.each(peerCases.map((f) => [f.slice(repo.length - 4), f]))('%s', async (_label, file) => {
    const result = await checkGoldenCase(backend, loadCase(file));
    expect(result.failures).toEqual([]);
    expect(result.pass).toBe(true);
  });
});
