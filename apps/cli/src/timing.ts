/** Options of {@link medianMs}. */
export interface TimingOptions {
  /** Timed calls (after warm-up). */
  readonly repeats?: number;
  /** Untimed calls first, so JIT compilation and caches do not count. */
  readonly warmup?: number;
  /** Stop adding repeats past this many milliseconds in total (at least 3 are always taken). */
  readonly budgetMs?: number;
}

/** Median wall time of an async call in milliseconds: warm-up, then repeats, median (robust on a noisy machine). */
export async function medianMs(fn: () => Promise<unknown>, options: TimingOptions = {}): Promise<number> {
  const repeats = options.repeats ?? 7;
  const budget = options.budgetMs ?? Infinity;
  for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < repeats && (times.length < 3 || performance.now() - start < budget)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  return times.length % 2 === 1 ? (times[mid] as number) : ((times[mid - 1] as number) + (times[mid] as number)) / 2;
}
