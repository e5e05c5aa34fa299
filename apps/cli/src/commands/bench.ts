import { type RnnMode, RNN_MODES, defineSpec, initParams, tensor, trainingRefusal } from '@deeprnn/core';
import type { Command } from 'commander';
import { type BackendFlags, type BackendOptionsSpec, addBackendOptions, backendSelection } from '../backend-options.js';
import { type BackendChoice, loadBackend } from '../backends.js';
import { BENCH_CONFIGS, forwardFlops } from '../bench-configs.js';
import { UsageError } from '../cli-errors.js';
import { integerAtLeast, oneOf, repeatable } from '../flag-values.js';
import { printNotices } from '../notices.js';
import { formatTable, sig } from '../table.js';
import { medianMs } from '../timing.js';
import { type BenchRow, runTorchBench } from '../torch-bench.js';

interface BenchOptions extends BackendFlags {
  train?: boolean;
  layers?: number[];
  mode?: RnnMode[];
  config?: string[];
  json?: boolean;
  withTorch?: boolean;
  repeats: number;
}

const BACKENDS: BackendOptionsSpec = { purpose: 'backend to time', isRepeatable: true, defaults: ['reference'] };

/** Backends as the bench times them: `reference` without --dtype runs float32 and float64 side by side. */
function expandBackends(choices: readonly BackendChoice[]): BackendChoice[] {
  return choices.flatMap((c): BackendChoice[] =>
    c.name === 'reference' && c.dtype === undefined
      ? [
          { ...c, dtype: 'float32' },
          { ...c, dtype: 'float64' },
        ]
      : [c],
  );
}

async function benchForward(
  choice: BackendChoice,
  modes: RnnMode[],
  configs: string[],
  repeats: number,
  log: (s: string) => void,
): Promise<BenchRow[]> {
  const loaded = await loadBackend(choice);
  printNotices(loaded);
  const { backend } = loaded;
  const rows: BenchRow[] = [];
  try {
    for (const configName of configs) {
      const c = BENCH_CONFIGS[configName];
      if (!c)
        throw new UsageError(`--config: expected one of ${Object.keys(BENCH_CONFIGS).join(', ')}, got '${configName}'`);
      for (const mode of modes) {
        const spec = defineSpec({ mode, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers });
        if (backend.unsupported(spec) !== null) continue;
        const model = await backend.createModel(spec, initParams(spec, { seed: 1 }));
        const x = tensor(
          Float32Array.from({ length: c.T * c.B * c.inputSize }, (_, i) => Math.sin(i)),
          [c.T, c.B, c.inputSize],
        );
        // Several warm-up calls: the first ones pay for JIT compilation (JS) and kernel setup (wasm, ORT).
        const timing = { repeats, warmup: 4, budgetMs: 20_000 };
        let ms: number;
        if (c.isStreamStep) {
          // Per-step latency: the state stays where the backend keeps it between calls.
          // A step takes well under a millisecond on the fast engines: many more calls, so that the JIT
          // has settled and the median is of hundreds (tools/bench/latency.mjs also gives p99).
          await using stream = await model.stream({ batchSize: c.B });
          ms = await medianMs(() => stream.step(x), { repeats: Math.max(repeats, 300), warmup: 100, budgetMs: 10_000 });
        } else {
          ms = await medianMs(() => model.forward(x), timing);
        }
        const runStats = model.lastRunStats ?? undefined;
        await model.dispose();
        rows.push({
          backend: choice.dtype === 'float64' ? 'reference-f64' : backend.name,
          device: backend.device,
          mode,
          config: c.name,
          inputSize: c.inputSize,
          hiddenSize: c.hiddenSize,
          numLayers: c.numLayers,
          T: c.T,
          B: c.B,
          msPerCall: ms,
          tokensPerSec: (c.T * c.B) / (ms / 1000),
          gflops: forwardFlops(spec, c.T, c.B) / ms / 1e6,
          ...(runStats ? { runStats } : {}),
        });
        log(`  ${rows.at(-1)?.backend} ${configName} ${mode}: ${sig(ms)} ms`);
      }
    }
  } finally {
    await backend.dispose();
  }
  return rows;
}

/** Times the d2l language-model training step (forward, backward, clipping, SGD) per backend, mode and depth. */
async function benchTrain(
  choice: BackendChoice,
  modes: RnnMode[],
  layers: number[],
  repeats: number,
  log: (s: string) => void,
): Promise<BenchRow[]> {
  const { D2L_RECIPE, timeTrainStep } = await import('@deeprnn/lm');
  const loaded = await loadBackend(choice);
  printNotices(loaded);
  const { backend } = loaded;
  const rows: BenchRow[] = [];
  const { steps: T, batch: B, vocabSize: V, hiddenSize: H } = D2L_RECIPE;
  try {
    if (!backend.capabilities.training) {
      log(`${backend.name} cannot train (capabilities.training is false); skipped`);
      return rows;
    }
    for (const mode of modes) {
      for (const numLayers of layers) {
        const spec = defineSpec({ mode, inputSize: V, hiddenSize: H, numLayers });
        const why = trainingRefusal(backend, spec);
        if (why !== null) {
          log(`${backend.name} does not train ${mode} x${numLayers} (${why}); skipped`);
          continue;
        }
        const timing = await timeTrainStep({
          backend,
          mode,
          numLayers,
          hidden: H,
          batch: B,
          steps: T,
          vocab: V,
          repeats,
        });
        // Forward + backward ~ 3 x the forward's products, plus the vocabulary head (same count as torch_bench.py).
        const flops = 3 * (forwardFlops(spec, T, B) + 2 * T * B * H * V);
        rows.push({
          backend: choice.dtype === 'float64' ? 'reference-f64' : backend.name,
          device: backend.device,
          mode,
          config: 'd2l-lm',
          inputSize: V,
          hiddenSize: H,
          numLayers,
          T,
          B,
          msPerCall: timing.msPerStep,
          tokensPerSec: timing.tokensPerSec,
          gflops: flops / timing.msPerStep / 1e6,
          train: true,
          ...(timing.stepStats ? { runStats: { ...timing.stepStats } } : {}),
        });
        log(`  ${rows.at(-1)?.backend} train ${mode} x${numLayers}: ${sig(timing.msPerStep)} ms/step`);
      }
    }
  } finally {
    await backend.dispose();
  }
  return rows;
}

/** `deeprnn bench`: forward-pass speed per backend, mode and config (median of repeats), optionally against PyTorch. */
export function registerBenchCommand(program: Command): void {
  addBackendOptions(program.command('bench'), BACKENDS)
    .description('time forward passes: ms per call (median), tokens/s, GFLOP/s, ratio to PyTorch')
    .option('--mode <mode>', `mode (repeatable): ${RNN_MODES.join(', ')} (default: all)`, repeatable(oneOf(RNN_MODES)))
    .option(
      '--config <name>',
      `config (repeatable): ${Object.keys(BENCH_CONFIGS).join(', ')} (default: d2l)`,
      repeatable(oneOf(Object.keys(BENCH_CONFIGS))),
    )
    .option('--repeats <n>', 'timed repeats per measurement (median taken)', integerAtLeast(1), 7)
    .option('--train', 'time the d2l language-model training step instead (vocab 28, hidden 256, T=35, B=32)')
    .option('--layers <list>', 'with --train: depths to time (default: 1,3)', repeatable(integerAtLeast(1)))
    .option('--with-torch', 'also run tools/bench/torch_bench.py (PyTorch, one thread) and print ratios')
    .option('--json', 'one JSON object per line')
    .addHelpText(
      'after',
      '\nGFLOP/s counts 2 x the multiply-adds of the gate products (input and hidden) and projections.',
    )
    .action(async (opts: BenchOptions) => {
      const modes = opts.mode ?? [...RNN_MODES];
      const configs = opts.config ?? ['d2l'];
      const backends = expandBackends(backendSelection(opts, BACKENDS).choices);
      const log = (s: string): void => void process.stderr.write(`${s}\n`);
      const rows: BenchRow[] = [];
      const layers = opts.layers ?? [1, 3];
      for (const choice of backends) {
        // Training rows time at most 9 steps after 3 warm-ups: a 3-layer reference step takes about 1 s.
        if (opts.train) rows.push(...(await benchTrain(choice, modes, layers, Math.min(opts.repeats, 9), log)));
        else rows.push(...(await benchForward(choice, modes, configs, opts.repeats, log)));
      }
      let torch: BenchRow[] = [];
      if (opts.withTorch) {
        const result = runTorchBench(modes, configs, opts.train === true, layers);
        if (result.error) log(`PyTorch comparison skipped: ${result.error}`);
        torch = result.rows;
        rows.push(...torch);
        const blas = torch[0]?.blas;
        if (blas !== undefined) log(`PyTorch's BLAS: ${blas}`);
      }
      printRows(rows, torch, opts.json === true);
    });
}

/** Prints rows as JSON lines or as a table with each row's throughput relative to PyTorch. */
export function printRows(rows: readonly BenchRow[], torch: readonly BenchRow[], json: boolean): void {
  const ratio = (r: BenchRow): string => {
    const t = torch.find(
      (x) =>
        x.mode === r.mode &&
        (r.train === true || x.config === r.config) &&
        x.numLayers === r.numLayers &&
        Boolean(x.train) === Boolean(r.train),
    );
    return t ? `${(r.tokensPerSec / t.tokensPerSec).toFixed(2)}x` : '-';
  };
  if (json) {
    for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  // Device work per call, for backends that count it (WebGPU): dispatches and bytes read back.
  const work = (r: BenchRow): string[] =>
    r.runStats ? [String(r.runStats.dispatches ?? '-'), String(r.runStats.bytesRead ?? '-')] : ['-', '-'];
  const table = rows.map((r) => [
    r.backend,
    r.device,
    r.config,
    r.mode,
    String(r.numLayers),
    `${r.T}x${r.B}`,
    sig(r.msPerCall),
    sig(r.tokensPerSec),
    sig(r.gflops),
    ...work(r),
    ratio(r),
  ]);
  const head = [
    'backend',
    'device',
    'config',
    'mode',
    'layers',
    'TxB',
    'ms/call',
    'tokens/s',
    'GFLOP/s',
    'dispatches',
    'bytes read',
    'vs torch',
  ];
  process.stdout.write(`${formatTable(head, table)}\n`);
}
