import type { Backend } from '@deeprnn/core';
import { type CurvePoint, perplexitySpec, renderPlot } from './plot.js';
import { type StepReport, type TrainHooks, trainLoop } from './train-loop.js';
import { type EpochRecord, type TrainConfig, type TrainingState, initialTrainingState } from './training-state.js';

/** One depth's run in {@link depthExperiment}. */
export interface DepthRun {
  readonly layers: number;
  readonly history: readonly EpochRecord[];
  readonly finalPerplexity: number;
  /** Tokens per second over the whole run. */
  readonly tokensPerSec: number;
  readonly state: TrainingState;
  readonly aborted: boolean;
}

/** Inputs of {@link depthExperiment}. */
export interface DepthExperimentOptions {
  readonly backend: Backend;
  readonly ids: Int32Array;
  readonly vocab: readonly string[];
  /** The recipe; only `model.numLayers` changes between runs. */
  readonly config: TrainConfig;
  readonly layers: readonly number[];
  readonly signal?: AbortSignal;
  readonly onRunStart?: (layers: number) => void;
  readonly onStep?: (layers: number, report: StepReport) => void;
  readonly onEpoch?: (layers: number, record: EpochRecord, state: TrainingState) => void | Promise<void>;
}

/**
 * The note's experiment: train the same model at several depths, every run identical except the
 * number of layers (same seed, data, recipe), then plot perplexity per epoch with one line per depth.
 *
 * @returns the runs and the plot as SVG and PNG.
 */
export async function depthExperiment(
  o: DepthExperimentOptions,
): Promise<{ runs: DepthRun[]; svg: string; png: Uint8Array }> {
  const runs: DepthRun[] = [];
  for (const layers of o.layers) {
    if (o.signal?.aborted) break;
    o.onRunStart?.(layers);
    const config: TrainConfig = { ...o.config, model: { ...o.config.model, numLayers: layers } };
    const hooks: TrainHooks = {
      ...(o.signal ? { signal: o.signal } : {}),
      onStep: (r) => o.onStep?.(layers, r),
      onEpoch: (rec, st) => o.onEpoch?.(layers, rec, st),
    };
    const { state, aborted } = await trainLoop(o.backend, o.ids, initialTrainingState(config, o.vocab), hooks);
    const seconds = state.history.reduce((s, h) => s + h.seconds, 0);
    const tokens = state.history.reduce((s, h) => s + h.tokensPerSec * h.seconds, 0);
    runs.push({
      layers,
      history: state.history,
      finalPerplexity: state.history.at(-1)?.perplexity ?? NaN,
      tokensPerSec: seconds > 0 ? tokens / seconds : NaN,
      state,
      aborted,
    });
  }
  const points: CurvePoint[] = runs.flatMap((r) =>
    r.history.map((h) => ({ series: String(r.layers), epoch: h.epoch, perplexity: h.perplexity })),
  );
  const m = o.config.model;
  const title = `${m.mode}, hidden ${m.hiddenSize}, ${o.config.optimizer.name} lr ${o.config.optimizer.lr}: perplexity by depth`;
  const { svg, png } = await renderPlot(perplexitySpec(points, title));
  return { runs, svg, png };
}
