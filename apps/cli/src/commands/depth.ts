import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@deeprnn/core';
import { depthExperiment, epochBatches, writeFileAtomic } from '@deeprnn/lm/node';
import type { Command } from 'commander';
import { UsageError } from '../cli-errors.js';
import { strictInteger } from '../flag-values.js';
import { prepareOutputFolder } from '../file-checks.js';
import { formatTable, sig } from '../table.js';
import {
  type Bar,
  type RecipeFlags,
  addRecipeOptions,
  barPayload,
  checkRecipeFlags,
  corpusFromFlags,
  progressBars,
  recipeFromFlags,
  trainingBackend,
} from './train.js';

interface DepthFlags extends RecipeFlags {
  layers: string;
  out: string;
}

function layerList(value: string): number[] {
  const layers = value.split(',').map((s) => strictInteger(s.trim()) ?? 0);
  if (layers.length === 0 || layers.some((n) => n < 1)) {
    throw new UsageError(`--layers must be a comma-separated list of depths like 1,2,3, got '${value}'`);
  }
  return layers;
}

/** `deeprnn depth`: the note's experiment, perplexity per epoch at several depths, everything else fixed. */
export function registerDepthCommand(program: Command): void {
  addRecipeOptions(
    program
      .command('depth')
      .description('train the same language model at several depths and plot perplexity per epoch (SVG + PNG)')
      .option('--layers <list>', 'depths to compare', '1,2,3')
      .option('--out <dir>', 'folder for the plot, CSV and table', 'deeprnn-depth'),
  ).action(async (f: DepthFlags) => {
    const log = (s: string): void => void process.stderr.write(`${s}\n`);
    const layers = layerList(f.layers);
    checkRecipeFlags(f, layers);
    prepareOutputFolder(f.out, '--out');
    const corpus = await corpusFromFlags(f, log);
    const base = recipeFromFlags(f, layers[0]!, corpus.vocab.size);
    const backend = await trainingBackend(f, log);
    const perEpoch = epochBatches(base.partition, corpus.ids, base.batch, base.steps, base.seed, 0).length;
    if (perEpoch === 0)
      throw new ConfigError(`the corpus is too short for --batch ${base.batch} x --steps ${base.steps}`);
    const ctl = new AbortController();
    const onSigint = (): void => ctl.abort();
    process.once('SIGINT', onSigint);
    const makeBar = await progressBars();
    let bar: Bar | null = null;
    try {
      const result = await depthExperiment({
        backend,
        ids: corpus.ids,
        vocab: corpus.vocab.tokens,
        config: base,
        layers,
        signal: ctl.signal,
        onRunStart: (n) => {
          bar?.stop();
          bar = makeBar(`${n} layer${n > 1 ? 's' : ''}`);
          bar.start(base.epochs * perEpoch, 0, { epoch: `1/${base.epochs}`, ppl: '-', tps: '-' });
        },
        onStep: (_n, r) => bar?.update(r.epoch * perEpoch + r.batchIndex + 1, barPayload(r, base.epochs)),
      });
      (bar as Bar | null)?.stop();
      const csv = ['layers,epoch,perplexity,tokens_per_sec,seconds'];
      for (const r of result.runs)
        for (const h of r.history) csv.push(`${r.layers},${h.epoch},${h.perplexity},${h.tokensPerSec},${h.seconds}`);
      await writeFileAtomic(join(f.out, 'perplexity.csv'), `${csv.join('\n')}\n`);
      await writeFileAtomic(join(f.out, 'depth.svg'), result.svg);
      await writeFileAtomic(join(f.out, 'depth.png'), result.png);
      const header = ['layers', 'epochs', 'final perplexity', 'tokens/s', 'seconds'];
      const rows = result.runs.map((r) => [
        String(r.layers),
        String(r.history.length),
        r.finalPerplexity.toFixed(3),
        sig(r.tokensPerSec),
        sig(r.history.reduce((s, h) => s + h.seconds, 0)),
      ]);
      const table = formatTable(header, rows);
      await writeFile(join(f.out, 'table.txt'), `${table}\n`);
      process.stdout.write(`\n${table}\n\nplot: ${join(f.out, 'depth.svg')}, ${join(f.out, 'depth.png')}\n`);
      if (ctl.signal.aborted) {
        log('interrupted: the table and plot cover the epochs finished so far');
        process.exitCode = 130;
      }
    } finally {
      process.removeListener('SIGINT', onSigint);
      await backend.dispose();
    }
  });
}
