import { RNN_MODES, gateCount } from '@deeprnn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatesFromOnnx, gatesToOnnx, peepholesFromOnnx, peepholesToOnnx } from '../src/gate-order.js';

describe('gate order', () => {
  it('moves LSTM blocks i,f,g,o to ONNX i,o,f,c and GRU r,z,n to z,r,h', () => {
    expect(Array.from(gatesToOnnx('lstm', Float32Array.of(1, 1, 2, 2, 3, 3, 4, 4)))).toEqual([1, 1, 4, 4, 2, 2, 3, 3]);
    expect(Array.from(gatesToOnnx('gru', Float32Array.of(1, 2, 3)))).toEqual([2, 1, 3]);
    expect(Array.from(gatesToOnnx('rnn_tanh', Float32Array.of(5, 6)))).toEqual([5, 6]);
    expect(Array.from(peepholesToOnnx(Float32Array.of(1, 2, 3)))).toEqual([1, 3, 2]);
  });

  it('round-trips every mode, any block size', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RNN_MODES),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        (mode, H, cols) => {
          const data = Float32Array.from({ length: gateCount(mode) * H * cols }, (_, i) => i);
          expect(gatesFromOnnx(mode, gatesToOnnx(mode, data))).toEqual(data);
          expect(gatesToOnnx(mode, gatesFromOnnx(mode, data))).toEqual(data);
          const p = Float64Array.from({ length: 3 * H }, (_, i) => i);
          expect(peepholesFromOnnx(peepholesToOnnx(p))).toEqual(p);
        },
      ),
    );
  });
});
