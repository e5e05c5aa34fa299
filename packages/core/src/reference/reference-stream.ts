import type { RnnState } from '../backend.js';
import type { RnnSpec } from '../config.js';
import type { StreamEngine } from '../stream-base.js';
import type { StepCall } from '../stream-checks.js';
import { HostStreamState } from '../stream-host-state.js';
import type { DType, Tensor } from '../tensor.js';
import { type StackWeights, runStack } from './run-stack.js';

/**
 * The reference's stream, the oracle of every other: the state is a pair of host arrays in the working
 * dtype, and each chunk is exactly one `runStack` over it (same products, same order), so a chunked
 * stream repeats one forward's arithmetic step for step.
 *
 * @param weights - returns the model's prepared weights; it throws once the model is disposed.
 */
export function referenceStreamEngine(
  spec: RnnSpec,
  weights: () => StackWeights,
  B: number,
  dtype: DType,
  initial: RnnState | null,
): StreamEngine {
  // A chunk arrives time-major whatever the spec's layout, so the stack runs it as time-major.
  const timeMajor: RnnSpec = { ...spec, batchFirst: false };
  const state = new HostStreamState(spec, B, dtype, initial);
  return {
    step(x: Tensor, call: StepCall): Promise<Tensor> {
      if (call.reset) state.resetRows(call.reset);
      const options = call.lengths ? { lengths: call.lengths } : {};
      const r = runStack(timeMajor, weights(), x, state.view(), options, { T: call.k, B, isUnbatched: false }, dtype);
      state.store(r.state);
      return Promise.resolve(r.output);
    },
    readState: () => Promise.resolve(state.snapshot()),
    reset(initial: RnnState | null): Promise<void> {
      state.load(initial);
      return Promise.resolve();
    },
    dispose: () => Promise.resolve(),
  };
}
