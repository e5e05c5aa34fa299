import { type RnnSpec, type RnnState, UnsupportedError } from '@deeprnn/core';
import { headForwardBackward } from './head.js';
import { HEAD_BIAS, HEAD_WEIGHT, type LmParams, RNN_PREFIX, rnnParamsOf } from './lm-model.js';
import { oneHotTimeMajor, targetsTimeMajor } from './one-hot.js';
import { type LmGrads, type OptimizerOptions, type OptimizerState, clipGradNorm, optimizerStep } from './optimizer.js';
import type { Minibatch } from './partition.js';
import type { RnnTrainer } from './rnn-trainer.js';

/** Everything one training step reads. */
export interface TrainStepInput {
  readonly spec: RnnSpec;
  readonly params: LmParams;
  readonly optimizer: OptimizerOptions;
  readonly optimizerState: OptimizerState;
  readonly batch: Minibatch;
  /** State carried from the previous minibatch (sequential partition), or undefined for zeros. */
  readonly state: RnnState | undefined;
  /** Global-norm clipping threshold (d2l: 1); Infinity turns it off. */
  readonly clipTheta: number;
  /** Seed of this step's dropout mask (used only when the spec has dropout). */
  readonly dropoutSeed: number;
}

/** What one training step produces. */
export interface TrainStepResult {
  readonly params: LmParams;
  readonly optimizerState: OptimizerState;
  /** Mean cross-entropy of the minibatch, before the update. */
  readonly loss: number;
  /** Final state, to carry (detached: it is just values) into the next minibatch. */
  readonly state: RnnState;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
}

/**
 * One step of truncated BPTT: one-hot input, RNN forward, head + cross-entropy, backward through head
 * and RNN, global-norm clipping, optimizer update.
 */
export async function trainStep(trainer: RnnTrainer, s: TrainStepInput): Promise<TrainStepResult> {
  const { batch: mb, spec } = s;
  const V = spec.inputSize;
  const input = oneHotTimeMajor(mb.X, mb.batch, mb.steps, V);
  const targets = targetsTimeMajor(mb.Y, mb.batch, mb.steps);
  const W = s.params[HEAD_WEIGHT]!;
  const b = s.params[HEAD_BIAS]!;
  let head: ReturnType<typeof headForwardBackward> | null = null;
  const pass = await trainer.forwardBackward(
    rnnParamsOf(s.params),
    input,
    s.state,
    (output) => {
      head = headForwardBackward(output, W, b, targets);
      return { output: { dtype: 'float32', shape: output.shape, data: head.dY } };
    },
    { training: true, dropoutSeed: s.dropoutSeed },
  );
  const h = head as ReturnType<typeof headForwardBackward> | null;
  if (h === null) throw new UnsupportedError('trainStep: the trainer returned without calling the head');
  const grads: LmGrads = { [HEAD_WEIGHT]: h.dW, [HEAD_BIAS]: h.db };
  for (const [name, g] of Object.entries(pass.paramGrads)) {
    grads[RNN_PREFIX + name] = g.data instanceof Float32Array ? g.data : Float32Array.from(g.data);
  }
  const gradNorm = clipGradNorm(grads, s.clipTheta);
  const next = optimizerStep(s.optimizer, s.params, grads, s.optimizerState);
  return { params: next.params, optimizerState: next.state, loss: h.loss, state: pass.state, gradNorm };
}
