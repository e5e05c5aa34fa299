import { type RnnParams, type RnnSpec, type RnnState, type Tensor, UnsupportedError } from '@deeprnn/core';
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

function float32(t: Tensor): Float32Array {
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
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
  const options = { training: true, dropoutSeed: s.dropoutSeed };
  const grads: LmGrads = {};
  let loss: number;
  let state: RnnState;
  let rnnGrads: RnnParams;
  if (trainer.forwardBackwardWithHead) {
    const pass = await trainer.forwardBackwardWithHead(rnnParamsOf(s.params), input, s.state, { weight: W, bias: b, targets }, options);
    grads[HEAD_WEIGHT] = float32(pass.headGrads.weight);
    grads[HEAD_BIAS] = float32(pass.headGrads.bias);
    ({ loss, state, paramGrads: rnnGrads } = pass);
  } else {
    let head: ReturnType<typeof headForwardBackward> | null = null;
    const pass = await trainer.forwardBackward(
      rnnParamsOf(s.params),
      input,
      s.state,
      (output) => {
        head = headForwardBackward(output, W, b, targets);
        return { output: { dtype: 'float32', shape: output.shape, data: head.dY } };
      },
      options,
    );
    const h = head as ReturnType<typeof headForwardBackward> | null;
    if (h === null) throw new UnsupportedError('trainStep: the trainer returned without calling the head');
    grads[HEAD_WEIGHT] = h.dW;
    grads[HEAD_BIAS] = h.db;
    ({ state, paramGrads: rnnGrads } = pass);
    loss = h.loss;
  }
  for (const [name, g] of Object.entries(rnnGrads)) grads[RNN_PREFIX + name] = float32(g);
  const gradNorm = clipGradNorm(grads, s.clipTheta);
  const next = optimizerStep(s.optimizer, s.params, grads, s.optimizerState);
  return { params: next.params, optimizerState: next.state, loss, state, gradNorm };
}
