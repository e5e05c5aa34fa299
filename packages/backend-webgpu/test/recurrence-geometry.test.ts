import { defineSpec } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { recurrenceGeometry } from '../src/kernels/recurrence-geometry.js';
import { trainBackwardWgsl } from '../src/train/train-backward-kernel.js';

// Worked out by hand from the buffer layouts train-step.ts documents; the WGSL constants must carry
// the same numbers, so the host and the kernels cannot disagree on a region.
const LIMITS = { workgroupBytes: 16384 };

describe('recurrenceGeometry', () => {
  it('bidirectional LSTM with projection and peepholes: dimensions and every training region', () => {
    const geo = recurrenceGeometry(
      defineSpec({
        mode: 'lstm',
        inputSize: 3,
        hiddenSize: 8,
        projSize: 4,
        peepholes: true,
        bidirectional: true,
        clip: 1,
      }),
      2,
      LIMITS,
    );
    expect([geo.H, geo.P, geo.G, geo.D, geo.GH, geo.NG, geo.N, geo.NP]).toEqual([8, 4, 4, 2, 32, 64, 16, 8]);
    expect([geo.isLstm, geo.isProjected, geo.hasPeepholes, geo.hasClip, geo.isResetBefore]).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
    // 5 cell slots + 4 clip masks per unit, after the 8 output words of each row.
    expect(geo.recordSlots).toBe(9);
    expect(geo.train.outputs).toEqual({ records: 8, total: 8 + 9 * 16 });
    // h_{t-1} [8], dh [8], m [16], then the peephole products [3 * 16].
    expect(geo.train.sideOutputs).toMatchObject({ dh: 8, m: 16, peep: 32, total: 32 + 48 });
    expect(geo.train.gateGrads).toEqual({ hidden: 0, total: 64 });
    // W_hh rows [2][32][4] = 256, W_hr^T [2][8][4] = 64, peepholes [2][24] = 48.
    expect(geo.backwardWeights).toEqual({ whr: 256, peep: 320, total: 368 });
    const wgsl = trainBackwardWgsl(geo);
    for (const line of [
      'const WR_WHR = 256u;',
      'const WR_PEEP = 320u;',
      'const HP_DH = 8u;',
      'const HP_M = 16u;',
      'const HP_PEEP = 32u;',
      'const Y_RECORDS = 8u;',
    ]) {
      expect(wgsl).toContain(line);
    }
  });

  it('GRU after-reset keeps the hidden side of the gate gradients apart; reset-before parks r h after h_{t-1}', () => {
    const after = recurrenceGeometry(defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 6 }), 3, LIMITS);
    expect(after.train.gateGrads).toEqual({ hidden: 18, total: 36 });
    const before = recurrenceGeometry(
      defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 6, linearBeforeReset: false }),
      3,
      LIMITS,
    );
    expect(before.isResetBefore).toBe(true);
    expect(before.train.gateGrads).toEqual({ hidden: 0, total: 18 });
    expect(before.train.sideOutputs).toMatchObject({ rh: 6, total: 12 });
  });

  it('plans each kernel for the batch and the device limit', () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 28, hiddenSize: 256 });
    expect(recurrenceGeometry(spec, 32, LIMITS).forward.R).toBe(4);
    expect(recurrenceGeometry(spec, 2, LIMITS).forward.R).toBe(2);
    // hs holds h twice (256 f32 each) per batch row, 2048 bytes: 4096 bytes fit two rows.
    expect(recurrenceGeometry(spec, 32, { workgroupBytes: 4096 }).forward.R).toBe(2);
  });
});
