import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/**
 * The built CLI entry (tests run after `build`). DEEPRNN_CLI_MAIN points the tests at another build,
 * e.g. an older commit's, to count how the bad-input table fared before a change.
 */
export const cliMain: string = process.env.DEEPRNN_CLI_MAIN ?? resolve(here, '../dist/main.js');
/** Repository root. */
export const repoRoot: string = resolve(here, '../../..');
/** The shared golden data beside the repository (../shared/golden; CI has it, a bare clone may not). */
export const sharedGolden: string = resolve(repoRoot, '../shared/golden');
/** Why the shared golden data cannot be read, or null. */
export const sharedMissing: string | null = existsSync(sharedGolden)
  ? null
  : `${sharedGolden} is absent (../shared beside the repository)`;
/** Tests on the shared data skip, with this reason printed, outside CI; under CI they run (and fail if it is absent). */
export const skipShared: boolean = sharedMissing !== null && process.env.CI !== 'true';
if (skipShared) console.warn(`cli tests: skipping the tests on the shared golden data: ${sharedMissing}`);

/** Runs the built `deeprnn` with arguments; returns exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliMain, ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    env: { ...process.env, ...env },
    timeout: 300_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
