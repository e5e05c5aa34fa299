import { lmSpec } from './lm-model.js';
import { epochBatches } from './partition.js';
import type { RnnTrainer } from './rnn-trainer.js';
import { trainStep } from './train-step.js';
import type { EpochRecord, TrainingState } from './training-state.js';

/** Progress after each minibatch. */
export interface StepReport {
  /** 0-based epoch and minibatch. */
  readonly epoch: number;
  readonly batchIndex: number;
  readonly batchesPerEpoch: number;
  readonly loss: number;
  /** Perplexity of the epoch so far. */
  readonly perplexity: number;
  readonly tokensPerSec: number;
}

/** Callbacks and controls of {@link trainLoop}. */
export interface TrainHooks {
  /** Stops the run after the minibatch in progress; the returned state can be checkpointed and resumed. */
  readonly signal?: AbortSignal;
  readonly onStep?: (report: StepReport) => void;
  /** After each epoch, with the state at the epoch boundary (checkpoint and sample here). */
  readonly onEpoch?: (record: EpochRecord, state: TrainingState) => void | Promise<void>;
}

/** The result of {@link trainLoop}: the state it stopped at and whether it was stopped early. */
export interface TrainOutcome {
  readonly state: TrainingState;
  readonly aborted: boolean;
}

function hashStep(seed: number, step: number): number {
  return (Math.imul(seed >>> 0, 0x27d4eb2d) ^ Math.imul(step + 1, 0x165667b1)) >>> 0;
}

/**
 * Trains until `config.epochs` epochs are done or `signal` aborts, starting from any state (a fresh
 * one or a checkpoint's). Deterministic: minibatches come from (seed, epoch), dropout masks from
 * (seed, step), so resuming a checkpoint continues bit-identically.
 *
 * @example
 * ```ts
 * const trainer = backendTrainer(createReferenceBackend(), lmSpec(config.model));
 * const { state } = await trainLoop(trainer, corpus.ids, initialTrainingState(config, corpus.vocab.tokens));
 * ```
 */
export async function trainLoop(trainer: RnnTrainer, ids: Int32Array, start: TrainingState, hooks: TrainHooks = {}): Promise<TrainOutcome> {
  let st = start;
  const { config } = st;
  const spec = lmSpec(config.model);
  while (st.progress.epoch < config.epochs) {
    const epoch = st.progress.epoch;
    const batches = epochBatches(config.partition, ids, config.batch, config.steps, config.seed, epoch);
    for (let i = st.progress.batchIndex; i < batches.length; i++) {
      if (hooks.signal?.aborted) return { state: st, aborted: true };
      const t0 = performance.now();
      const r = await trainStep(trainer, {
        spec,
        params: st.params,
        optimizer: config.optimizer,
        optimizerState: st.optimizerState,
        batch: batches[i]!,
        state: config.partition === 'sequential' ? st.carried : undefined,
        clipTheta: config.clipTheta ?? Infinity,
        dropoutSeed: hashStep(config.seed, st.optimizerState.step),
      });
      const n = config.batch * config.steps;
      const p = st.progress;
      const progress = { epoch, batchIndex: i + 1, lossSum: p.lossSum + r.loss * n, tokens: p.tokens + n, seconds: p.seconds + (performance.now() - t0) / 1000 };
      st = { ...st, params: r.params, optimizerState: r.optimizerState, carried: config.partition === 'sequential' ? r.state : undefined, progress };
      hooks.onStep?.({
        epoch, batchIndex: i, batchesPerEpoch: batches.length, loss: r.loss,
        perplexity: Math.exp(progress.lossSum / progress.tokens), tokensPerSec: progress.tokens / Math.max(progress.seconds, 1e-9),
      });
    }
    const p = st.progress;
    const record: EpochRecord = {
      epoch: epoch + 1,
      perplexity: p.tokens > 0 ? Math.exp(p.lossSum / p.tokens) : NaN,
      tokensPerSec: p.tokens / Math.max(p.seconds, 1e-9),
      seconds: p.seconds,
    };
    st = { ...st, carried: undefined, progress: { epoch: epoch + 1, batchIndex: 0, lossSum: 0, tokens: 0, seconds: 0 }, history: [...st.history, record] };
    await hooks.onEpoch?.(record, st);
  }
  return { state: st, aborted: false };
}
