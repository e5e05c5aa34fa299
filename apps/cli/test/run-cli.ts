import { spawnSync } from 'node:child_process';
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

/** Runs the built `deeprnn` with arguments; returns exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliMain, ...args], { encoding: 'utf8', cwd: repoRoot, env: { ...process.env, ...env }, timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
