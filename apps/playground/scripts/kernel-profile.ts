// Where tfjs's kernels spend the page's time, for the thread measurements in the README: turns on
// tfjs-core's own kernel profiler (the engine records every kernel with its time when `state.profiling` is
// set; the wasm backend times each kernel synchronously) and sums the records by kernel name.
import type { Page } from 'playwright-core';

/** The record tfjs-core's engine keeps per kernel while profiling. */
interface KernelRecord {
  name: string;
  inputShapes: (readonly number[] | null)[];
  kernelTimeMs: number | Promise<number | { error: string }>;
}

/**
 * A page init script (runs before the page's own code): catches tfjs-core's engine as it is created
 * (`globalThis._tfengine`) and turns its profiler on for the whole page. A string, not a function: tsx
 * wraps named functions in a `__name` helper that does not exist in the page.
 */
export const profileTfjsKernels = `(() => {
  let engine;
  Object.defineProperty(globalThis, '_tfengine', {
    configurable: true,
    get() { return engine; },
    set(value) {
      engine = value;
      value.state.profiling = true;
      value.state.activeProfile.kernels = [];
    },
  });
})();`;

/**
 * Sums the page's kernel records by name (and by input shapes with `byShape`): a markdown table of calls,
 * total ms and share, largest first.
 */
export async function readKernelProfile(page: Page, byShape = false): Promise<string> {
  const rows = await page.evaluate(async (byShape) => {
    const engine = (globalThis as unknown as { _tfengine?: { state: { activeProfile: { kernels: KernelRecord[] } } } })
      ._tfengine;
    const totals = new Map<string, { calls: number; ms: number }>();
    for (const kernel of engine?.state.activeProfile.kernels ?? []) {
      // An op with a custom gradient (fusedMatMul__op) is recorded around the kernel it runs: counting
      // both would count that kernel's time twice.
      if (kernel.name.endsWith('__op')) continue;
      const time = await kernel.kernelTimeMs;
      const key = byShape ? `${kernel.name} ${JSON.stringify(kernel.inputShapes)}` : kernel.name;
      const entry = totals.get(key) ?? { calls: 0, ms: 0 };
      entry.calls += 1;
      entry.ms += typeof time === 'number' ? time : 0;
      totals.set(key, entry);
    }
    return [...totals].map(([name, t]) => ({ name, ...t }));
  }, byShape);
  if (rows.length === 0) return 'kernel profile: no tfjs kernels ran (is a tfjs lane selected?)';
  rows.sort((a, b) => b.ms - a.ms);
  const total = rows.reduce((sum, r) => sum + r.ms, 0);
  const lines = rows.map(
    (r) =>
      `| ${r.name} | ${r.calls} | ${r.ms.toFixed(1)} | ${((1000 * r.ms) / r.calls).toFixed(0)} | ${((100 * r.ms) / total).toFixed(1)} % |`,
  );
  return [
    `kernel profile (every tfjs kernel the page ran, warm-up included): ${total.toFixed(1)} ms in all`,
    '| kernel | calls | ms | µs/call | share |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...lines,
  ].join('\n');
}
