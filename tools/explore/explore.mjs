#!/usr/bin/env node
// `npm run explore`: every conformance lane with a fresh random seed and more runs than CI's fixed-seed
// gate, printing each lane's seed as it starts, the replay line of every failure, and a summary table.
// See packages/conformance/README.md, "Exploring fresh seeds".
import { randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkDevice } from './devices.mjs';
import { LANES, selectLanes } from './lanes.mjs';
import { runLane } from './run-lane.mjs';
import { printSummary } from './summary.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The browser lane runs this fraction of the Node lanes' cases (its vitest.config.ts default), since
// each case there costs more; --runs scales both.
const BROWSER_SHARE = 0.25;

const HELP = `usage: npm run explore -- [options]

Runs every conformance lane with a random fast-check seed (one per lane, printed) and DEEPRNN_FC_RUNS
times the CI run counts; prints the replay line of every failure and a summary table. Lanes whose
device is missing (a WebGPU adapter for Node, Chromium) are skipped with the reason; under CI=true
they fail.

  --runs X           run-count scale, DEEPRNN_FC_RUNS (default 4; browser lanes get ${BROWSER_SHARE}x it)
  --lanes A,B        only these lanes (a trailing * matches a prefix: browser-*); --list names them
  --budget MIN       wall-clock budget of the whole run in minutes (default 60); a lane still running
                     when it is spent is stopped, lanes not started are reported as not run
  --property-time S  per-property time limit, DEEPRNN_FC_TIME_LIMIT_S (default 60: more runs need more
                     time than CI's 30 s, or backend-webgpu's 10 s, and a loaded machine more still)
  --seed N           use seed N for every lane instead of fresh ones (to rerun an exploration)
  --grep PATTERN     only tests whose full name matches (vitest -t), e.g. 'conformance non-finite'
  --list             print the lanes and exit
`;

function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '4' },
      lanes: { type: 'string', default: '' },
      budget: { type: 'string', default: '60' },
      'property-time': { type: 'string', default: '60' },
      seed: { type: 'string' },
      grep: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return { exit: 0, text: HELP };
  if (values.list)
    return {
      exit: 0,
      text: LANES.map((l) => `${l.name.padEnd(20)} ${l.dir}/${l.files.join(' ')}  (${l.what})`).join('\n'),
    };
  const runs = positive(values.runs, '--runs');
  const budgetS = positive(values.budget, '--budget') * 60;
  const propertyTime = positive(values['property-time'], '--property-time');
  const fixedSeed = values.seed === undefined ? undefined : integer(values.seed, '--seed');
  const lanes = selectLanes(
    values.lanes
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return { lanes, runs, budgetS, propertyTime, fixedSeed, grep: values.grep };
}

/** @param {string} raw @param {string} name */
function positive(raw, name) {
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got '${raw}'`);
  return v;
}

/** @param {string} raw @param {string} name */
function integer(raw, name) {
  const v = Number(raw);
  if (!Number.isInteger(v)) throw new Error(`${name} must be an integer, got '${raw}'`);
  return v;
}

async function explore({ lanes, runs, budgetS, propertyTime, fixedSeed, grep }) {
  const logDir = mkdtempSync(join(tmpdir(), 'deeprnn-explore-'));
  const underCi = process.env.CI === 'true';
  const deadline = Date.now() + budgetS * 1000;
  /** @type {Map<string, ReturnType<typeof checkDevice>>} */
  const devices = new Map();
  const rows = [];
  console.log(`explore: ${lanes.length} lane(s), runs x${runs}, budget ${budgetS / 60} min, logs in ${logDir}`);
  for (const lane of lanes) {
    const seed = fixedSeed ?? randomInt(0, 2 ** 31);
    const browser = lane.device === 'chromium';
    const scale = browser ? Number(process.env.DEEPRNN_BROWSER_FC_RUNS ?? runs * BROWSER_SHARE) : runs;
    const row = { lane: lane.name, seed, runs: scale };
    if (!devices.has(lane.device)) devices.set(lane.device, checkDevice(lane.device, ROOT));
    const device = devices.get(lane.device);
    if (!device.ok) {
      const status = underCi ? 'failed' : 'skipped';
      console.log(`${lane.name}: ${status}, ${device.why}${underCi ? ' (CI=true requires it)' : ''}`);
      rows.push({
        ...row,
        seed: null,
        result: {
          status,
          passed: 0,
          failed: underCi ? 1 : 0,
          skipped: 0,
          seconds: 0,
          skipReasons: [device.why],
          failures: underCi ? [{ test: lane.name, message: device.why, replay: null }] : [],
        },
      });
      continue;
    }
    const leftS = Math.floor((deadline - Date.now()) / 1000);
    if (leftS < 30) {
      console.log(`${lane.name}: not run, the ${budgetS / 60} min budget is spent`);
      rows.push({
        ...row,
        seed: null,
        result: {
          status: 'not run',
          passed: 0,
          failed: 0,
          skipped: 0,
          seconds: 0,
          skipReasons: ['time budget spent'],
          failures: [],
        },
      });
      continue;
    }
    console.log(`${lane.name}: seed ${seed}, runs x${scale}, on ${device.what} ...`);
    const env = {
      [browser ? 'DEEPRNN_BROWSER_FC_RUNS' : 'DEEPRNN_FC_RUNS']: String(scale),
      DEEPRNN_FC_TIME_LIMIT_S: String(propertyTime),
    };
    const result = await runLane(lane, { root: ROOT, logDir, seed, env, timeoutS: leftS, grep });
    console.log(
      `${lane.name}: ${result.status}, ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped in ${result.seconds.toFixed(0)} s (log ${result.log})`,
    );
    for (const f of result.failures) {
      console.log(`  FAIL ${f.test}: ${f.message}`);
      if (f.replay) console.log(`  replay: ${f.replay}`);
    }
    rows.push({ ...row, result });
  }
  printSummary(rows);
  return rows.some((r) => ['failed', 'timed out', 'crashed'].includes(r.result.status)) ? 1 : 0;
}

try {
  const parsed = main();
  if ('text' in parsed) {
    console.log(parsed.text);
    process.exitCode = parsed.exit;
  } else {
    process.exitCode = await explore(parsed);
  }
} catch (e) {
  console.error(`explore: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
}
