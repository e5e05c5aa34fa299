import type { InferenceSession } from '#ort';

/** Execution providers this backend knows, in the default order of preference. */
export type ExecutionProvider = 'cuda' | 'webgpu' | 'cpu';

/** The default order: the fastest that starts wins. */
export const DEFAULT_PROVIDERS: readonly ExecutionProvider[] = Object.freeze(['cuda', 'webgpu', 'cpu']);

/** Threading and optimisation choices, all optional. */
export interface SessionTuning {
  /**
   * Threads of one operator (ORT's intra-op pool). Default 1: a stacked RNN is a chain of small
   * matrix products, and measured here (2 cores) a second thread bought less than it cost; set it to
   * the number of physical cores for large hidden sizes and batches.
   */
  readonly intraOpThreads?: number;
  /** ORT graph optimisation level. Default 'all' (constant folding of the transposed weights, fusions). */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
}

/**
 * The ORT session options for one provider, set on purpose:
 * - `executionMode: 'sequential'` and one inter-op thread: the graph is a chain, there is nothing to
 *   run in parallel between operators;
 * - `graphOptimizationLevel: 'all'` by default: folds the weight transposes of the Loop lowering into
 *   constants once at load time;
 * - memory arena and pattern planning on (the shapes repeat from call to call);
 * - `logSeverityLevel: 4` (fatal only), so ORT does not write to the user's stderr: every error it
 *   logs also comes back as the exception we rethrow (a provider's session failing, say).
 */
export function sessionOptions(provider: ExecutionProvider, tuning: SessionTuning): InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    executionMode: 'sequential',
    interOpNumThreads: 1,
    intraOpNumThreads: tuning.intraOpThreads ?? 1,
    graphOptimizationLevel: tuning.graphOptimizationLevel ?? 'all',
    enableCpuMemArena: true,
    enableMemPattern: true,
    logSeverityLevel: 4,
  };
}

/** What `backend.device` reports for a provider. */
export function deviceName(provider: ExecutionProvider): string {
  return provider === 'cuda' ? 'cuda:0' : provider;
}
