// Runs one lane's vitest files with a seed and a run scale, under a time limit, and reads back what
// vitest's JSON reporter says: counts, failures, and the replay line each failing property prints.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @typedef {{ test: string, message: string, replay: string | null }} LaneFailure
 * @typedef {{ status: 'passed' | 'failed' | 'skipped' | 'timed out' | 'crashed', passed: number, failed: number,
 *   skipped: number, seconds: number, failures: LaneFailure[], skipReasons: string[], log: string }} LaneResult
 */

/**
 * @param {import('./lanes.mjs').Lane} lane
 * @param {{ root: string, logDir: string, seed: number, env: Record<string, string>, timeoutS: number, grep?: string }} o
 * @returns {Promise<LaneResult>}
 */
export async function runLane(lane, o) {
  const log = join(o.logDir, `${lane.name}.log`);
  const json = join(o.logDir, `${lane.name}.json`);
  const vitest = join(o.root, 'node_modules', '.bin', 'vitest');
  const args = [
    'run',
    ...lane.files,
    ...(lane.args ?? []),
    ...(o.grep ? ['-t', o.grep] : []),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${json}`,
  ];
  const env = { ...process.env, ...o.env, FC_SEED: String(o.seed), FORCE_COLOR: '0' };
  delete env.FC_PATH; // a replay path belongs to one failure, never to an exploring run
  const started = Date.now();
  const out = createWriteStream(log);
  out.write(
    `$ cd ${lane.dir} && ${Object.entries(o.env)
      .map(([k, v]) => `${k}=${v} `)
      .join('')}FC_SEED=${o.seed} vitest ${args.join(' ')}\n`,
  );
  // Its own process group, so a lane past its time is stopped with every worker and browser it started.
  const child = spawn(vitest, args, {
    cwd: join(o.root, lane.dir),
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid, 'SIGTERM');
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 10_000).unref();
    } catch {
      // already gone
    }
  }, o.timeoutS * 1000);
  const code = await new Promise((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  await new Promise((resolve) => out.end(resolve));
  const seconds = (Date.now() - started) / 1000;
  const base = { seconds, log, failures: [], skipReasons: [], passed: 0, failed: 0, skipped: 0 };
  if (timedOut)
    return {
      ...base,
      status: 'timed out',
      failures: [{ test: lane.name, message: `stopped after ${o.timeoutS} s (time budget)`, replay: null }],
    };
  if (!existsSync(json))
    return {
      ...base,
      status: 'crashed',
      failures: [{ test: lane.name, message: `vitest exited ${code} without a report (see ${log})`, replay: null }],
    };
  return { ...readReport(JSON.parse(readFileSync(json, 'utf8')), lane.dir), seconds, log };
}

/**
 * Counts and failures from vitest's JSON report.
 * @param {any} report - vitest's JSON reporter output.
 * @param {string} dir - the lane's folder, prefixed to replay commands (they are relative to it).
 */
export function readReport(report, dir) {
  /** @type {LaneFailure[]} */
  const failures = [];
  /** @type {string[]} */
  const skipReasons = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const file of report.testResults ?? []) {
    const tests = file.assertionResults ?? [];
    // A file that failed before any test ran (collection, beforeAll): one failure for the file.
    if (file.status === 'failed' && !tests.some((t) => t.status === 'failed')) {
      failed += 1;
      failures.push({ test: file.name, message: firstLine(file.message ?? 'failed'), replay: null });
    }
    for (const t of tests) {
      if (t.status === 'passed') passed += 1;
      else if (t.status === 'failed') {
        failed += 1;
        const text = (t.failureMessages ?? []).join('\n');
        // A property stopped by its time limit before one case finished has no case to replay (FC_PATH='').
        const replay = /FC_PATH=''/.test(text) ? undefined : /^.*replay: (.+)$/m.exec(text)?.[1]?.trim();
        failures.push({
          test: t.fullName,
          message: headline(text.replace(/^[^:]*Error: /, '')),
          replay: replay ? `cd ${dir} && ${replay}` : null,
        });
      } else {
        skipped += 1;
        if (t.title) skipReasons.push(t.fullName ?? t.title);
      }
    }
  }
  const status = failed > 0 ? 'failed' : passed === 0 && skipped > 0 ? 'skipped' : passed === 0 ? 'empty' : 'passed';
  return { status, passed, failed, skipped, failures, skipReasons };
}

/** The first line, and the indented line after it (a conformance failure's "what differs"). @param {string} text */
function headline(text) {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const second = lines[1]?.startsWith('  ') ? ` ${lines[1].trim()}` : '';
  return `${lines[0]?.trim() ?? ''}${second}`;
}

/** @param {string} text */
function firstLine(text) {
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}
