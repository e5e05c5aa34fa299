// `node --test tools/explore/`: the parts of explore that need no vitest run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LANES, selectLanes } from './lanes.mjs';
import { readReport } from './run-lane.mjs';

test('lane filters: exact names and prefixes; an unknown name is an error naming the lanes', () => {
  assert.deepEqual(
    selectLanes(['reference']).map((l) => l.name),
    ['reference'],
  );
  assert.deepEqual(
    selectLanes(['browser-*']).map((l) => l.name),
    ['browser-reference', 'browser-onnxruntime', 'browser-tfjs', 'browser-webgpu'],
  );
  assert.equal(selectLanes([]).length, LANES.length);
  assert.throws(() => selectLanes(['nope']), /unknown lane\(s\) nope; lanes: reference/);
});

test('a failing property gives its headline and a replay line run from the lane folder', () => {
  const message = [
    "Error: tfjs webgpu (chromium) fails 'non-finite' after 3 run(s):",
    '  output: element 0 is Infinity, the reference gives NaN (NaN in, NaN out)',
    'seed 998267652, path "3:0"',
    "replay: FC_SEED=998267652 FC_PATH='3:0' npx vitest run 'browser/tfjs.test.ts' -t 'tfjs webgpu (chromium) conformance non-finite'",
  ].join('\n');
  const report = {
    testResults: [
      {
        name: 'browser/tfjs.test.ts',
        status: 'failed',
        assertionResults: [
          {
            fullName: 'tfjs webgpu (chromium) conformance non-finite',
            title: 'non-finite',
            status: 'failed',
            failureMessages: [message],
          },
          { fullName: 'tfjs cpu (chromium) conformance agreement', title: 'agreement', status: 'passed' },
          { fullName: 'tfjs cpu (chromium) conformance gradients', title: 'gradients', status: 'skipped' },
        ],
      },
    ],
  };
  const r = readReport(report, 'apps/browser-tests');
  assert.equal(r.status, 'failed');
  assert.deepEqual([r.passed, r.failed, r.skipped], [1, 1, 1]);
  assert.equal(
    r.failures[0].message,
    "tfjs webgpu (chromium) fails 'non-finite' after 3 run(s): output: element 0 is Infinity, the reference gives NaN (NaN in, NaN out)",
  );
  assert.equal(
    r.failures[0].replay,
    "cd apps/browser-tests && FC_SEED=998267652 FC_PATH='3:0' npx vitest run 'browser/tfjs.test.ts' -t 'tfjs webgpu (chromium) conformance non-finite'",
  );
});

test('a file that failed before its tests ran counts as one failure; a lane of only skips is skipped', () => {
  const crashed = readReport(
    {
      testResults: [{ name: 'test/x.test.ts', status: 'failed', message: 'Error: boom\n at x', assertionResults: [] }],
    },
    'p',
  );
  assert.equal(crashed.status, 'failed');
  assert.deepEqual(crashed.failures, [{ test: 'test/x.test.ts', message: 'Error: boom', replay: null }]);
  const skipped = readReport(
    {
      testResults: [
        {
          name: 'f',
          status: 'skipped',
          assertionResults: [
            {
              fullName: 'webgpu conformance (skipped: no adapter) needs a WebGPU adapter',
              title: 'needs a WebGPU adapter',
              status: 'skipped',
            },
          ],
        },
      ],
    },
    'p',
  );
  assert.equal(skipped.status, 'skipped');
  assert.deepEqual(skipped.skipReasons, ['webgpu conformance (skipped: no adapter) needs a WebGPU adapter']);
});

test('a property stopped by its time limit before one case finished has no replay line', () => {
  const message =
    "Error: webgpu fails 'streaming' after 0 run(s): the time limit (10 s, DEEPRNN_FC_TIME_LIMIT_S) ran out before one case finished\nreplay: FC_SEED=1 FC_PATH='' npx vitest run 'test/conformance.test.ts' -t 'webgpu conformance streaming'";
  const r = readReport(
    {
      testResults: [
        {
          name: 'f',
          status: 'failed',
          assertionResults: [
            {
              fullName: 'webgpu conformance streaming',
              title: 'streaming',
              status: 'failed',
              failureMessages: [message],
            },
          ],
        },
      ],
    },
    'p',
  );
  assert.equal(r.failures[0].replay, null);
  assert.match(r.failures[0].message, /time limit \(10 s/);
});
