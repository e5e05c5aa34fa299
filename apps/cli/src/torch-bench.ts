import type { RunStats } from '@deeprnn/core';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-paths.js';

/** One JSON line of a benchmark run (the format `deeprnn bench --json` prints). */
export interface BenchRow {
  readonly backend: string;
  readonly device: string;
  readonly mode: string;
  readonly config: string;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly T: number;
  readonly B: number;
  readonly msPerCall: number;
  readonly tokensPerSec: number;
  readonly gflops: number;
  readonly train?: boolean;
  /** GPU counters of the last timed call, from backends that report them (`lastRunStats`, `lastStepStats`). */
  readonly runStats?: RunStats;
  /**
   * PyTorch rows: the BLAS library the process loaded, with OpenBLAS's kernel family (`core Haswell`
   * is AVX2, `core SkylakeX`/`Cooperlake` AVX-512): PyTorch's CPU speed depends on it.
   */
  readonly blas?: string;
}

const PYTHON = '/usr/bin/python3';

/**
 * Runs tools/bench/torch_bench.py for the same configs and modes when PyTorch is installed.
 *
 * @returns its rows, or a reason why PyTorch could not be run.
 */
export function runTorchBench(
  modes: readonly string[],
  configs: readonly string[],
  train: boolean,
  layers: readonly number[] = [1, 3],
): { rows: BenchRow[]; error: string | null } {
  const root = repoRoot();
  const script = root ? join(root, 'tools', 'bench', 'torch_bench.py') : null;
  if (!script || !existsSync(script))
    return { rows: [], error: 'tools/bench/torch_bench.py not found (run from a deeprnn checkout)' };
  if (!existsSync(PYTHON)) return { rows: [], error: `${PYTHON} not found` };
  const args = [script, ...modes.flatMap((m) => ['--mode', m]), ...configs.flatMap((c) => ['--config', c])];
  if (train) args.push('--train', '--layers', layers.join(','));
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (run.status !== 0)
    return {
      rows: [],
      error: `torch_bench.py failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop() ?? ''}`,
    };
  const rows: BenchRow[] = [];
  for (const line of run.stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    rows.push(JSON.parse(line) as BenchRow);
  }
  return { rows, error: null };
}
