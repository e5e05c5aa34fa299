import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GoldenCase, type Tensor, parseGoldenCase, tensor } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root. */
export const repoRoot: string = resolve(here, '../../..');
/** ../shared beside the repository (present on developer machines and CI). */
export const sharedGolden: string = resolve(repoRoot, '../shared/golden');
/**
 * Why the shared golden data cannot be read, or null when it can. A clone without ../shared skips
 * those cases with this reason printed; under CI (which has ../shared) they must run.
 */
export const sharedMissing: string | null = existsSync(sharedGolden)
  ? null
  : `${sharedGolden} is absent (../shared beside the repository)`;
/** True when the shared cases are skipped: absent outside CI. */
export const skipShared: boolean = sharedMissing !== null && process.env.CI !== 'true';
if (skipShared) console.warn(`core tests: skipping the shared golden cases: ${sharedMissing}`);
/** Fixtures the project generates itself (tools/golden). */
export const fixtures: string = resolve(repoRoot, 'fixtures');

/** Every golden case file under a directory (recursively), skipping index.json. */
export function caseFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...caseFiles(path));
    else if (name.endsWith('.json') && name !== 'index.json') out.push(path);
  }
  return out;
}

/** Parses a golden case file. */
export function loadCase(path: string): GoldenCase {
  return parseGoldenCase(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** A float64 tensor of the given shape from a deterministic pseudo-random sequence. */
export function randomTensor(shape: number[], seed: number, scale = 1): Tensor {
  let s = seed >>> 0 || 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = (((s >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return tensor(data, shape);
}

/** Largest |a - b| over two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
