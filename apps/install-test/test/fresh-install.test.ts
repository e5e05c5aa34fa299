// A library user's install, end to end: every publishable package packed with `npm pack`, installed
// from the tarballs into an empty app outside the repository with only the npm registry (its cache,
// `--prefer-offline`), then each backend imported from that app's node_modules runs a small forward
// that must agree with the float64 reference. A backend whose device is missing (WebGPU without an
// adapter) is skipped with the reason outside CI and fails under CI=true, like the other device lanes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  type BackendLine,
  type CheckRun,
  type ImportLine,
  type PackedTarball,
  type Publishable,
  SKIP_ORT_DOWNLOAD,
  checkBackends,
  importAll,
  installFreshApp,
  lockedVersion,
  packWorkspaces,
  publishableWorkspaces,
  userEnv,
} from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const IS_CI = process.env.CI === 'true';
// Only WebGPU needs a device this machine may lack; onnxruntime (cpu) and tfjs (wasm/cpu) always run.
const DEVICE_BACKENDS: ReadonlySet<string> = new Set(['webgpu']);

let work = '';
let workspaces: Publishable[] = [];
let tarballs: PackedTarball[] = [];
let full: CheckRun | null = null;
let imports: ImportLine[] = [];
let bare: CheckRun | null = null;

function tarball(name: string): string {
  const found = tarballs.find((t) => t.name === name);
  if (found === undefined) throw new Error(`no tarball for ${name}; packed: ${tarballs.map((t) => t.name).join(', ')}`);
  return found.path;
}

/** Runs one phase and logs how long it took (the whole file should stay within about three minutes). */
async function timed<T>(phase: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  console.log(`install test: ${phase}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'deeprnn-install-'));
  workspaces = publishableWorkspaces(ROOT);
  tarballs = await timed('npm pack', () => packWorkspaces(ROOT, workspaces, work));

  // A Node app using every package: the tarballs, plus the peers a Node user adds (Dawn for WebGPU,
  // onnxruntime-node for the onnxruntime backend), at the versions the repository's lockfile pins.
  const peers = ['webgpu', 'onnxruntime-node'].map((name) => `${name}@${lockedVersion(ROOT, name)}`);
  const fullApp = join(work, 'app');
  await timed('npm install (every package)', () =>
    installFreshApp(fullApp, [...tarballs.map((t) => t.path), ...peers], SKIP_ORT_DOWNLOAD),
  );
  full = await timed('the backends in the app', () => checkBackends(fullApp, BACKENDS));
  imports = await timed('every main entry in the app', () =>
    importAll(
      fullApp,
      tarballs.map((t) => t.name),
    ),
  );

  // The onnxruntime backend alone, neither optional runtime installed (what a browser-only user has in Node).
  const bareApp = join(work, 'bare');
  await timed('npm install (no runtime)', () =>
    installFreshApp(bareApp, ['@deeprnn/core', '@deeprnn/onnx', '@deeprnn/backend-onnxruntime'].map(tarball), {}),
  );
  bare = await timed('onnxruntime without a runtime', () => checkBackends(bareApp, ['onnxruntime']));
}, 300_000);

afterAll(() => {
  if (work !== '' && process.env.DEEPRNN_KEEP_INSTALL_TEST !== '1') rmSync(work, { recursive: true, force: true });
});

function lineOf(run: CheckRun | null, name: string): BackendLine {
  const line = run?.lines.find((l) => l.name === name);
  if (line === undefined)
    throw new Error(`the check script printed nothing for ${name}; stderr:\n${run?.stderr ?? ''}`);
  return line;
}

describe('a fresh app installs the packed packages from the registry', () => {
  it('packs every publishable workspace, each with its built files', () => {
    expect(tarballs.map((t) => t.name).sort()).toEqual(workspaces.map((w) => w.name).sort());
    expect(workspaces.map((w) => w.name)).toEqual(
      expect.arrayContaining([
        '@deeprnn/core',
        '@deeprnn/backend-onnxruntime',
        '@deeprnn/backend-tfjs',
        '@deeprnn/backend-webgpu',
      ]),
    );
    for (const t of tarballs) expect(t.entryCount, t.name).toBeGreaterThan(2);
  });

  it('imports every package by its main entry from the app, and the deeprnn command runs', () => {
    expect(imports.map((l) => l.package).sort()).toEqual(tarballs.map((t) => t.name).sort());
    for (const line of imports) {
      expect(line.status, `${line.package}: ${line.error ?? ''}`).toBe('ok');
      expect(
        fileURLToPath(line.resolved ?? 'file:///').startsWith(join(work, 'app', 'node_modules')),
        line.resolved,
      ).toBe(true);
      expect(line.exports, line.package).toBeGreaterThan(0);
    }
    const bin = join(work, 'app', 'node_modules', '.bin', 'deeprnn');
    const version = execFileSync(bin, ['--version'], {
      cwd: join(work, 'app'),
      env: userEnv(),
      encoding: 'utf8',
    }).trim();
    expect(version).toBe(workspaces.find((w) => w.name === '@deeprnn/cli')?.version);
  });

  for (const name of BACKENDS) {
    it(`${name}, imported from the app's node_modules, agrees with the float64 reference`, (ctx) => {
      const line = lineOf(full, name);
      // The app's own copy, not the workspace's: the import resolved inside the temporary app.
      expect(fileURLToPath(line.resolved).startsWith(join(work, 'app', 'node_modules'))).toBe(true);
      if (line.status === 'unavailable' && DEVICE_BACKENDS.has(name)) {
        const why = `install test: ${name} has no device in the fresh app: ${line.error?.split('\n')[0] ?? ''}`;
        if (IS_CI) throw new Error(`${why}; CI=true requires it`);
        console.warn(`${why}; skipped`);
        ctx.skip(why);
      }
      expect(line.status, line.error).toBe('ran');
      expect(line.outputRatio, `output, ${name} on ${line.device}`).not.toBeNull();
      expect(line.outputRatio).toBeLessThanOrEqual(1);
      expect(line.stateRatio, `final state, ${name} on ${line.device}`).not.toBeNull();
      expect(line.stateRatio).toBeLessThanOrEqual(1);
    });
  }

  it('without onnxruntime-node or onnxruntime-web, the onnxruntime backend imports and says what to install', () => {
    const line = lineOf(bare, 'onnxruntime');
    expect(line.status, line.error).toBe('unavailable');
    expect(line.code).toBe('E_BACKEND_INIT');
    expect(line.error).toMatch(/no ONNX Runtime is installed.*`npm i onnxruntime-node`/);
  });
});
