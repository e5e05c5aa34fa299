import type { Backend, CarriedState, RnnState, RnnTrainer } from '@deeprnn/core';
import { createLmTrainer, readLmTrainer } from './lm-trainer.js';
import { lmSpec } from './lm-model.js';
import { epochBatches } from './partition.js';
import { trainStep } from './train-step.js';
import type { EpochRecord, TrainingState } from './training-state.js';

/** Progress after each minibatch. */
export interface StepReport {
  /** 0-based epoch and minibatch. */
  readonly epoch: number;
  /** 0-based index of the minibatch within its epoch. */
  readonly batchIndex: number;
  /** Minibatches in the epoch. */
  readonly batchesPerEpoch: number;
  /** Mean cross-entropy of this minibatch, before its update. */
  readonly loss: number;
  /** Perplexity of the epoch so far. */
  readonly perplexity: number;
  /** Training throughput of the epoch so far: tokens / training seconds. */
  readonly tokensPerSec: number;
}

/** Callbacks and controls of {@link trainLoop}. */
export interface TrainHooks {
  /** Stops the run after the minibatch in progress; the returned state can be checkpointed and resumed. */
  readonly signal?: AbortSignal;
  /** After each minibatch, with its loss and the epoch's running perplexity and throughput. */
  readonly onStep?: (report: StepReport) => void;
  /** After each epoch, with the state at the epoch boundary (checkpoint and sample here). */
  readonly onEpoch?: (record: EpochRecord, state: TrainingState) => void | Promise<void>;
}

/** The result of {@link trainLoop}: the state it stopped at and whether it was stopped early. */
export interface TrainOutcome {
  /** The state it stopped at: checkpoint it to resume. */
  readonly state: TrainingState;
  /** True when `signal` stopped the run before `config.epochs` epochs were done. */
  readonly aborted: boolean;
}

function hashStep(seed: number, step: number): number {
  return (Math.imul(seed >>> 0, 0x27d4eb2d) ^ Math.imul(step + 1, 0x165667b1)) >>> 0;
}

/**
 * Trains until `config.epochs` epochs are done or `signal` aborts, starting from any state (a fresh
 * one or a checkpoint's), on the backend's trainer (the core contract: weights, optimizer state and
 * carried state stay on the backend; parameters come back at each epoch's end and on abort).
 * Deterministic: minibatches come from (seed, epoch), dropout masks from (seed, step), so resuming a
 * checkpoint continues bit-identically.
 *
 * @throws {@link @deeprnn/core!UnsupportedError | UnsupportedError} when the backend cannot train.
 * @example
 * ```ts
 * const start = initialTrainingState(config, corpus.vocab.tokens);
 * const { state } = await trainLoop(createReferenceBackend(), corpus.ids, start);
 * ```
 */
export async function trainLoop(
  backend: Backend,
  ids: Int32Array,
  start: TrainingState,
  hooks: TrainHooks = {},
): Promise<TrainOutcome> {
  const { config } = start;
  const spec = lmSpec(config.model);
  const isSequential = config.partition === 'sequential';
  const trainer = await createLmTrainer(backend, spec, {
    params: start.params,
    optimizer: config.optimizer,
    optimizerState: start.optimizerState,
    gradClipNorm: config.gradClipNorm,
  });
  try {
    return await runEpochs(trainer, config.model.vocabSize, ids, start, isSequential, hooks);
  } finally {
    await trainer.dispose();
  }
}

/** The state with the trainer's current parameters and optimizer state read back. */
async function withTrainerValues(
  trainer: RnnTrainer,
  st: TrainingState,
  carried: RnnState | undefined,
): Promise<TrainingState> {
  const { params, optimizerState } = await readLmTrainer(trainer);
  return { ...st, params, optimizerState, carried };
}

async function runEpochs(
  trainer: RnnTrainer,
  V: number,
  ids: Int32Array,
  start: TrainingState,
  isSequential: boolean,
  hooks: TrainHooks,
): Promise<TrainOutcome> {
  let st = start;
  const { config } = st;
  let step = st.optimizerState.step;
  let carried: RnnState | CarriedState | undefined = isSequential ? st.carried : undefined;
  while (st.progress.epoch < config.epochs) {
    const epoch = st.progress.epoch;
    const batches = epochBatches(config.partition, ids, config.batch, config.steps, config.seed, epoch);
    for (let i = st.progress.batchIndex; i < batches.length; i++) {
      if (hooks.signal?.aborted) {
        const host = carried === undefined ? undefined : 'read' in carried ? await carried.read() : carried;
        return { state: await withTrainerValues(trainer, st, host), aborted: true };
      }
      const t0 = performance.now();
      const r = await trainStep(
        trainer,
        V,
        batches[i]!,
        isSequential ? carried : undefined,
        hashStep(config.seed, step),
      );
      step += 1;
      if (isSequential) carried = r.state;
      const n = config.batch * config.steps;
      const p = st.progress;
      const progress = {
        epoch,
        batchIndex: i + 1,
        lossSum: p.lossSum + r.loss * n,
        tokens: p.tokens + n,
        seconds: p.seconds + (performance.now() - t0) / 1000,
      };
      st = { ...st, progress };
      hooks.onStep?.({
        epoch,
        batchIndex: i,
        batchesPerEpoch: batches.length,
        loss: r.loss,
        perplexity: Math.exp(progress.lossSum / progress.tokens),
        tokensPerSec: progress.tokens / Math.max(progress.seconds, 1e-9),
      });
    }
    const p = st.progress;
    const record: EpochRecord = {
      epoch: epoch + 1,
      perplexity: p.tokens > 0 ? Math.exp(p.lossSum / p.tokens) : NaN,
      tokensPerSec: p.tokens / Math.max(p.seconds, 1e-9),
      seconds: p.seconds,
    };
    carried = undefined;
    st = await withTrainerValues(trainer, st, undefined);
    st = {
      ...st,
      progress: { epoch: epoch + 1, batchIndex: 0, lossSum: 0, tokens: 0, seconds: 0 },
      history: [...st.history, record],
    };
    await hooks.onEpoch?.(record, st);
  }
  return { state: st, aborted: false };
}
