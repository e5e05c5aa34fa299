import { type RnnConfig, type RnnSpec, defineSpec } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { unsupportedReason } from '../src/capabilities.js';
import { planRecurrent, recurrentWorkgroup } from '../src/kernels/kernel-plan.js';
import { recurrentWgsl } from '../src/forward/recurrent-kernel.js';
import { trainRowPlan, trainWorkgroup } from '../src/train/recurrence-kernels.js';
import { trainBackwardWgsl } from '../src/train/train-backward-kernel.js';
import { trainForwardWgsl } from '../src/train/train-forward-kernel.js';
import { trainingUnsupportedReason } from '../src/train/trainable.js';
import { recurrenceGeometry } from '../src/kernels/recurrence-geometry.js';
import { rowsThatFit, workgroupBytes } from '../src/kernels/workgroup-memory.js';

// The workgroup-memory limits without an adapter. WebGPU's default maxComputeWorkgroupStorageSize
// is 16384 bytes and each workgroup variable counts rounded up to 16 bytes; the boundaries below
// are worked out by hand from the arrays each kernel declares.
const LIMIT = 16384;
const spec = (c: Partial<RnnConfig> & Pick<RnnConfig, 'mode' | 'hiddenSize'>): RnnSpec =>
  defineSpec({ inputSize: 2, ...c });
const gruBefore = (H: number): RnnSpec => spec({ mode: 'gru', hiddenSize: H, linearBeforeReset: false });

/** What WebGPU charges for the `var<workgroup>` arrays a WGSL source declares (read from the source itself). */
function declaredBytes(wgsl: string): number {
  const sizes = [...wgsl.matchAll(/var<workgroup>\s+\w+\s*:\s*array<f32,\s*(\d+)>/g)].map((m) => Number(m[1]));
  expect(sizes.length).toBeGreaterThan(0);
  return sizes.reduce((sum, n) => sum + Math.ceil((4 * n) / 16) * 16, 0);
}

describe('workgroupBytes', () => {
  it('rounds each array up to 16 bytes', () => {
    expect(workgroupBytes([{ name: 'a', words: 1 }])).toBe(16);
    expect(
      workgroupBytes([
        { name: 'a', words: 4 },
        { name: 'b', words: 5 },
      ]),
    ).toBe(16 + 32);
    expect(workgroupBytes([])).toBe(0);
  });

  it('rowsThatFit counts rows until the next one would not fit', () => {
    const arrays = (R: number) => [
      { name: 'h', words: 1000 * R },
      { name: 'x', words: 1 },
    ];
    expect(rowsThatFit(arrays, 4016, 8)).toBe(1); // 4000 + 16
    expect(rowsThatFit(arrays, 8016, 8)).toBe(2);
    expect(rowsThatFit(arrays, 8015, 8)).toBe(1);
    expect(rowsThatFit(arrays, 4015, 8)).toBe(0);
    expect(rowsThatFit(arrays, 1e9, 3)).toBe(3);
  });
});

describe('forward limits at, below and above each boundary', () => {
  const cases: [string, (H: number) => RnnSpec, number][] = [
    ['rnn_tanh', (H) => spec({ mode: 'rnn_tanh', hiddenSize: H }), 2048],
    ['gru (reset after)', (H) => spec({ mode: 'gru', hiddenSize: H }), 2048],
    ['gru reset-before (16400 bytes at 1365)', gruBefore, 1364],
    [
      'lstm H 1366 with projSize P (16400 bytes at P 1365)',
      (P) => spec({ mode: 'lstm', hiddenSize: 1366, projSize: P }),
      1364,
    ],
    [
      'lstm H 2046 with projSize P (16400 bytes at P 1025)',
      (P) => spec({ mode: 'lstm', hiddenSize: 2046, projSize: P }),
      1024,
    ],
  ];
  it.each(cases)('%s', (_, make, last) => {
    for (const n of [last - 1, last]) expect(unsupportedReason(make(n), LIMIT), `${n}`).toBeNull();
    expect(unsupportedReason(make(last + 1), LIMIT)).toMatch(
      /needs 16\d\d\d bytes of workgroup memory per batch row .* maxComputeWorkgroupStorageSize of 16384/,
    );
    // A device with more workgroup memory runs what the default refuses.
    expect(unsupportedReason(make(last + 1), 2 * LIMIT)).toBeNull();
  });

  it('names the spec and the arrays in the reason', () => {
    expect(unsupportedReason(gruBefore(1365), LIMIT)).toBe(
      "gru (linearBeforeReset false) hiddenSize 1365 needs 16400 bytes of workgroup memory per batch row (hs 2730 f32, ex 1365 f32, each rounded up to 16 bytes), more than this device's maxComputeWorkgroupStorageSize of 16384",
    );
  });
});

describe('training limits at, below and above each boundary', () => {
  const cases: [string, (H: number) => RnnSpec, number][] = [
    ['rnn_tanh (backward dh 2H + gs H: 16400 bytes at 1365)', (H) => spec({ mode: 'rnn_tanh', hiddenSize: H }), 1364],
    ['gru (backward dh 2H + gs 3H: 16400 bytes at 819)', (H) => spec({ mode: 'gru', hiddenSize: H }), 818],
    ['gru reset-before', gruBefore, 818],
    ['lstm (backward dh 2H + gs 4H: 16400 bytes at 683)', (H) => spec({ mode: 'lstm', hiddenSize: H }), 682],
  ];
  it.each(cases)('%s', (_, make, last) => {
    for (const n of [last - 1, last]) expect(trainingUnsupportedReason(make(n), LIMIT), `${n}`).toBeNull();
    expect(trainingUnsupportedReason(make(last + 1), LIMIT)).toMatch(
      /^training .* backward recurrence needs 16\d\d\d bytes/,
    );
  });

  it('GRU reset-before takes 3 forward rows from H 342 (4 rows would need 16416 bytes), 4 below', () => {
    expect(trainRowPlan(gruBefore(341), 4, 'forward', LIMIT).R).toBe(4);
    expect(trainRowPlan(gruBefore(342), 4, 'forward', LIMIT).R).toBe(3);
    expect(workgroupBytes(trainWorkgroup(gruBefore(342), 4, 'forward'))).toBe(16416);
  });
});

describe('the planned kernels declare exactly what the check counted, within the limit', () => {
  // Every kind of recurrent kernel, at sizes near the limit and small ones, batch 1 to 9.
  const specs: RnnSpec[] = [
    spec({ mode: 'rnn_tanh', hiddenSize: 2048 }),
    spec({ mode: 'rnn_relu', hiddenSize: 1364 }),
    spec({ mode: 'gru', hiddenSize: 818 }),
    gruBefore(1364),
    gruBefore(342),
    gruBefore(341),
    spec({ mode: 'lstm', hiddenSize: 682 }),
    spec({ mode: 'lstm', hiddenSize: 1366, projSize: 1364 }),
    spec({ mode: 'lstm', hiddenSize: 2046, projSize: 1024 }),
    spec({ mode: 'lstm', hiddenSize: 9, projSize: 5, peepholes: true, bidirectional: true }),
    spec({ mode: 'gru', hiddenSize: 12, linearBeforeReset: false, bidirectional: true }),
  ];
  for (const s of specs) {
    it(`${s.mode} H ${s.hiddenSize}${s.projSize ? ` P ${s.projSize}` : ''}${s.linearBeforeReset ? '' : ' reset-before'}`, () => {
      for (const B of [1, 2, 3, 4, 9]) {
        if (unsupportedReason(s, LIMIT) === null) {
          const plan = planRecurrent(s, B, LIMIT);
          const bytes = declaredBytes(recurrentWgsl(plan));
          expect(bytes).toBe(workgroupBytes(recurrentWorkgroup(s, plan.R)));
          expect(bytes).toBeLessThanOrEqual(LIMIT);
        }
        if (trainingUnsupportedReason(s, LIMIT) === null) {
          const geo = recurrenceGeometry(s, B, { workgroupBytes: LIMIT });
          for (const pass of ['forward', 'backward'] as const) {
            const plan = trainRowPlan(s, B, pass, LIMIT);
            expect(pass === 'forward' ? geo.trainForward : geo.trainBackward).toEqual(plan);
            const bytes = declaredBytes(pass === 'forward' ? trainForwardWgsl(geo) : trainBackwardWgsl(geo));
            expect(bytes, `${pass} B ${B}`).toBe(workgroupBytes(trainWorkgroup(s, plan.R, pass)));
            expect(bytes, `${pass} B ${B}`).toBeLessThanOrEqual(LIMIT);
          }
        }
      }
    });
  }
});
