import {
  type Backend,
  HEAD_PARAM_NAMES,
  type OptimizerOptions,
  type OptimizerState,
  type RnnParams,
  type RnnSpec,
  type RnnTrainer,
  type Tensor,
  type TrainerParams,
  UnsupportedError,
  isTrainingBackend,
  tensor,
  trainingRefusal,
} from '@deeprnn/core';
import { HEAD_BIAS, HEAD_WEIGHT, type LmParams, RNN_PREFIX } from './lm-model.js';

/** An LM parameter's name in the trainer contract: `rnn.X` is the RNN's X; the head is `head.*`. */
function trainerName(lmName: string): string {
  if (lmName === HEAD_WEIGHT) return HEAD_PARAM_NAMES.weight;
  if (lmName === HEAD_BIAS) return HEAD_PARAM_NAMES.bias;
  return lmName.startsWith(RNN_PREFIX) ? lmName.slice(RNN_PREFIX.length) : lmName;
}

/** The reverse of {@link trainerName}. */
function lmName(name: string): string {
  if (name === HEAD_PARAM_NAMES.weight) return HEAD_WEIGHT;
  if (name === HEAD_PARAM_NAMES.bias) return HEAD_BIAS;
  return RNN_PREFIX + name;
}

function float32(t: Tensor): Tensor<'float32'> {
  return (t.dtype === 'float32' ? t : tensor(Float32Array.from(t.data), t.shape)) as Tensor<'float32'>;
}

/** An LM's parameters as the trainer contract's: the RNN's by PyTorch name and the linear head. */
export function toTrainerParams(params: LmParams): TrainerParams {
  const rnn: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(params)) if (name.startsWith(RNN_PREFIX)) rnn[trainerName(name)] = t;
  const weight = params[HEAD_WEIGHT];
  const bias = params[HEAD_BIAS];
  return { rnn: rnn as RnnParams, head: weight && bias ? { weight, bias } : null };
}

/** The trainer's parameters back under the LM's names, float32. */
export function fromTrainerParams(p: TrainerParams): LmParams {
  const out: Record<string, Tensor<'float32'>> = {};
  for (const [name, t] of Object.entries(p.rnn)) out[lmName(name)] = float32(t);
  if (p.head) {
    out[HEAD_WEIGHT] = float32(p.head.weight);
    out[HEAD_BIAS] = float32(p.head.bias);
  }
  return Object.freeze(out);
}

/** Renames optimizer moments (`m.<param>`, `v.<param>`) with `rename` applied to the parameter. */
function renameMoments(state: OptimizerState, rename: (name: string) => string): OptimizerState {
  const moments: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(state.moments))
    moments[`${key.slice(0, 2)}${rename(key.slice(2))}`] = float32(t);
  return { step: state.step, moments: Object.freeze(moments) };
}

/** What an LM trainer starts from: a fresh run's or a checkpoint's values. */
export interface LmTrainerStart {
  /** Initial weights under the LM's names (`rnn.`, `linear.`). */
  readonly params: LmParams;
  /** The optimizer and its hyper-parameters. */
  readonly optimizer: OptimizerOptions;
  /** Optimizer state to start from under the LM's names (step 0, no moments for a fresh run). */
  readonly optimizerState: OptimizerState;
  /** Global-norm gradient clipping threshold (core's `TrainerInit.gradClipNorm`); null turns it off. */
  readonly gradClipNorm: number | null;
}

/**
 * Starts the backend's trainer for a language model: the RNN, the linear + softmax cross-entropy
 * head, the optimizer and its state, all held by the backend (through the core contract only).
 *
 * @throws {@link @deeprnn/core!UnsupportedError | UnsupportedError} when the backend cannot train
 *   (`capabilities.training` is false).
 */
export async function createLmTrainer(backend: Backend, spec: RnnSpec, start: LmTrainerStart): Promise<RnnTrainer> {
  if (!isTrainingBackend(backend)) {
    throw new UnsupportedError(
      `training: backend ${backend.name} (${backend.device}) cannot train (capabilities.training is false)`,
    );
  }
  const why = trainingRefusal(backend, spec);
  if (why !== null) throw new UnsupportedError(`training: backend ${backend.name} cannot train this model: ${why}`);
  return backend.createTrainer(spec, {
    params: toTrainerParams(start.params),
    optimizer: start.optimizer,
    optimizerState: renameMoments(start.optimizerState, trainerName),
    gradClipNorm: start.gradClipNorm,
  });
}

/** Reads an LM trainer's parameters and optimizer state back under the LM's names (for checkpoints). */
export async function readLmTrainer(trainer: RnnTrainer): Promise<{
  /** The current weights under the LM's names (`rnn.`, `linear.`). */
  params: LmParams;
  /** The optimizer's step count and moments under the LM's names. */
  optimizerState: OptimizerState;
}> {
  const [params, state] = await Promise.all([trainer.readParams(), trainer.readOptimizerState()]);
  return { params: fromTrainerParams(params), optimizerState: renameMoments(state, lmName) };
}
