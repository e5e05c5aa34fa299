import { type RnnSpec, directionCount, gateCount, layerInputSize, outputSize } from '@deeprnn/core';
import { D2L_RECIPE } from '@deeprnn/lm';

// The note's 3-layer model on d2l's recipe (28 characters in, 256 hidden, 35 steps, batch 32).
const D2L = { inputSize: D2L_RECIPE.vocabSize, hiddenSize: D2L_RECIPE.hiddenSize, numLayers: 3 } as const;

/** A benchmark shape: model sizes plus sequence length T and batch B. */
export interface BenchConfig {
  readonly name: string;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly T: number;
  readonly B: number;
  /**
   * Times one `stream.step` of T steps on an open stream (the state kept on the backend between calls),
   * not a `forward` from zeros: per-step latency, as generation and audio run a model.
   */
  readonly isStreamStep?: boolean;
}

/** The named configs of `deeprnn bench` (the same ones tools/bench/torch_bench.py runs). */
export const BENCH_CONFIGS: Readonly<Record<string, BenchConfig>> = {
  d2l: { name: 'd2l', ...D2L, T: D2L_RECIPE.steps, B: D2L_RECIPE.batch },
  medium: { name: 'medium', inputSize: 64, hiddenSize: 512, numLayers: 3, T: 100, B: 64 },
  latency: { name: 'latency', ...D2L, T: 1, B: 1, isStreamStep: true },
  latency8: { name: 'latency8', ...D2L, T: 1, B: 8, isStreamStep: true },
  long: { name: 'long', inputSize: 28, hiddenSize: 128, numLayers: 2, T: 1000, B: 8 },
};

/**
 * Floating-point operations of one forward call: 2 x the multiply-adds of the gate products,
 * 2·T·B·Σ_layers,directions G·H·(I_l + Hout), plus 2·T·B·P·H per layer-direction for projections.
 */
export function forwardFlops(spec: RnnSpec, T: number, B: number): number {
  const G = gateCount(spec.mode);
  const H = spec.hiddenSize;
  let perStep = 0;
  for (let layer = 0; layer < spec.numLayers; layer++) {
    const gates = G * H * (layerInputSize(spec, layer) + outputSize(spec));
    const projection = spec.projSize > 0 ? spec.projSize * H : 0;
    perStep += directionCount(spec) * (gates + projection);
  }
  return 2 * T * B * perStep;
}
