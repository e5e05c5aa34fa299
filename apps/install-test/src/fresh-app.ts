import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type NpmResult, runNpm, tail, userEnv } from './npm-command.js';

/** The scripts copied into every app (plain JavaScript: what a user's app would run). */
export const APP_SCRIPTS: readonly string[] = Object.freeze(['check-backends.mjs', 'import-all.mjs']);

/**
 * What the README tells users who install @deeprnn/backend-onnxruntime with onnxruntime-node: skip the
 * CUDA provider download of onnxruntime-node's install script (it comes from api.nuget.org, outside the
 * npm registry, and fails the whole install where only the registry is reachable).
 */
export const SKIP_ORT_DOWNLOAD: Readonly<Record<string, string>> = Object.freeze({ ONNXRUNTIME_NODE_INSTALL: 'skip' });

/**
 * Creates an empty app in `dir` (a package.json and the {@link APP_SCRIPTS}) and runs `npm install specs` in it
 * the way a user would: the registry only, reusing the npm cache (`--prefer-offline`), no audit.
 *
 * @param specs - what to install: tarball paths and `name@version` specs.
 * @param env - extra environment of the install (e.g. {@link SKIP_ORT_DOWNLOAD}).
 * @returns npm's result when it exited 0.
 * @throws Error with the command, its exit code and the end of npm's output when the install fails.
 */
export async function installFreshApp(
  dir: string,
  specs: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<NpmResult> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }, null, 2)}\n`,
  );
  for (const script of APP_SCRIPTS)
    copyFileSync(fileURLToPath(new URL(`../app/${script}`, import.meta.url)), join(dir, script));
  const args = ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs];
  const result = await runNpm(args, dir, userEnv(env));
  if (result.exitCode !== 0) {
    const hint = /onnxruntime-node[\s\S]*script\/install/.test(result.output)
      ? "\n(onnxruntime-node's install script failed: it downloads CUDA files from outside the npm registry unless ONNXRUNTIME_NODE_INSTALL=skip; see packages/backend-onnxruntime/README.md)"
      : '';
    const shown = Object.entries(env)
      .map(([k, v]) => `${k}=${v} `)
      .join('');
    throw new Error(
      `installing into a fresh app failed: ${shown}npm ${args.join(' ')} (in ${dir}) exited ${result.exitCode}${hint}\n${tail(result.output)}`,
    );
  }
  return result;
}
