// Shared by the GPU bench scripts: shapes, timing (medians), agreement, backend start-up, tables.
import { defineSpec, initParams, tensor } from '@deeprnn/core';

export const log = (s = '') => console.log(s);

/** GPU_BENCH_QUICK=1: tiny shapes, to rehearse the bundle on a machine without a GPU (lavapipe). */
export const QUICK = process.env.GPU_BENCH_QUICK === '1';

/** Forward configs (tools/bench/README.md); QUICK keeps the names so every table and code path is exercised. */
const ALL_CONFIGS = QUICK
  ? {
      d2l: { inputSize: 28, hiddenSize: 16, numLayers: 2, T: 5, B: 2 },
      medium: { inputSize: 8, hiddenSize: 24, numLayers: 2, T: 6, B: 3 },
    }
  : {
      d2l: { inputSize: 28, hiddenSize: 256, numLayers: 3, T: 35, B: 32 },
      medium: { inputSize: 64, hiddenSize: 512, numLayers: 3, T: 100, B: 64 },
    };
/** GPU_BENCH_CONFIGS=d2l: only these forward configs (d2l must stay: it carries the agreement check). */
const picked = process.env.GPU_BENCH_CONFIGS?.split(',').map((s) => s.trim());
export const CONFIGS = Object.fromEntries(
  Object.entries(ALL_CONFIGS).filter(([name]) => !picked || name === 'd2l' || picked.includes(name)),
);

/** The d2l character LM's training step (T 35, B 32, H 256, V 28), or a tiny one when QUICK. */
export const LM = QUICK
  ? { hidden: 16, batch: 2, steps: 5, vocab: 28, warmup: 1, repeats: 2 }
  : { hidden: 256, batch: 32, steps: 35, vocab: 28, warmup: 3, repeats: 7 };

export const FORWARD_MODES = ['rnn_tanh', 'gru', 'lstm'];
export const TRAIN_MODES = ['rnn_tanh', 'lstm'];
export const TRAIN_LAYERS = [1, 3];

/** The spec, parameters (seed 1) and input (sin(i)) of one forward case; every backend gets the same. */
export function forwardCase(configName, mode) {
  const c = CONFIGS[configName];
  const spec = defineSpec({ mode, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers });
  const params = initParams(spec, { seed: 1 });
  const x = tensor(
    Float32Array.from({ length: c.T * c.B * c.inputSize }, (_, i) => Math.sin(i)),
    [c.T, c.B, c.inputSize],
  );
  return { configName, mode, c, spec, params, x };
}

/** Median ms of `repeats` awaited calls after `warmup`; stops early (at least 3 calls) past `budgetMs`. */
export async function median(fn, { warmup = 3, repeats = 7, budgetMs = 15_000 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  const start = performance.now();
  while (times.length < repeats && (times.length < 3 || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** max |got - want| / max |want|: agreement relative to the output's magnitude. */
export function maxRelError(got, want) {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    err = Math.max(err, Math.abs(got[i] - want[i]));
  }
  return err / Math.max(scale, 1e-30);
}

/** Starts a backend, printing what started where (or why not); null when it did not. */
export async function tryStart(label, start) {
  try {
    const backend = await start();
    log(
      `start ${label}: ${backend.name} on ${backend.device}${backend.notices?.length ? ` (notes: ${backend.notices.join(' | ')})` : ''}`,
    );
    return backend;
  } catch (e) {
    log(`start ${label}: FAILED ${oneLine(e)}`);
    return null;
  }
}

/** An error as one line, with its cause (Dawn and ORT put the useful part there). */
export function oneLine(e) {
  const msg = e?.message ?? String(e);
  const cause = e?.cause?.message ? ` (cause: ${e.cause.message})` : '';
  return `${msg}${cause}`.replace(/\s+/g, ' ').slice(0, 400);
}

/** Prints rows as an aligned text table under `title`. */
export function printTable(title, columns, rows) {
  log(`\n${title}`);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  log(columns.map((c, i) => c.padEnd(widths[i])).join('  '));
  for (const r of rows) log(columns.map((c, i) => String(r[c] ?? '').padEnd(widths[i])).join('  '));
}

/**
 * Prints a markdown pivot (one line per row key, one column per column key) for tools/gpu/README.md.
 * `cell(rowKey, colKey)` returns the cell's text or undefined.
 */
export function printMarkdown(title, rowKeys, colKeys, cell) {
  log(`\n${title} (markdown for tools/gpu/README.md)\n`);
  log(`| | ${colKeys.join(' | ')} |`);
  log(`| --- | ${colKeys.map(() => '---').join(' | ')} |`);
  for (const rk of rowKeys) log(`| ${rk} | ${colKeys.map((ck) => cell(rk, ck) ?? '').join(' | ')} |`);
}

/** Relative errors above this are marked: float32 paths agree with the float64 reference to ~1e-6. */
export const ERR_FLAG = 1e-3;

/** `3.1e-7`, `1.1e+0 (!)` past {@link ERR_FLAG}, or '-' when there is nothing to compare with. */
export const fmtErr = (e) =>
  e === null || e === undefined ? '-' : `${e.toExponential(1)}${!(e <= ERR_FLAG) ? ' (!)' : ''}`;

/** Milliseconds with 3 significant digits (0.412, 12.3, 1593). */
export const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3));
