import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type GoldenCase, parseGoldenCase } from '@deeprnn/core';

const here = import.meta.dirname;
/** The shared golden data (../shared/golden from the repository root). */
export const SHARED_GOLDEN = resolve(here, '../../../../shared/golden');
/** Expected values hard-coded in ONNX Runtime's, tfjs-layers' and Keras's own tests (../shared/peer-cases). */
export const PEER_CASES = resolve(here, '../../../../shared/peer-cases');
/** The project's own PyTorch fixtures, written by tools/golden (may not exist yet). */
export const PROJECT_FIXTURES = resolve(here, '../../../fixtures');

/** Every case file in `dir` (index.json excluded), parsed; [] when the folder does not exist. */
export function loadCases(dir: string): GoldenCase[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort()
    .map((f) => parseGoldenCase(JSON.parse(readFileSync(join(dir, f), 'utf8')), f));
}
