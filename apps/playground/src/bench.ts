import { type Backend, type RnnMode, defineSpec, initParams, tensor } from '@deeprnn/core';
import { D2L_RECIPE, timeTrainStep } from '@deeprnn/lm';
import { escapeHtml } from './backend-picker.js';
import { pageBackend } from './backends.js';
import { byId, oneLine } from './dom.js';

/** The d2l shape of `deeprnn bench` (tools/bench): 3 layers × lm's D2L_RECIPE (256 hidden, input 28, T 35, B 32). */
export const D2L: {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: 3;
  readonly T: number;
  readonly B: number;
} = {
  inputSize: D2L_RECIPE.vocabSize,
  hiddenSize: D2L_RECIPE.hiddenSize,
  numLayers: 3,
  T: D2L_RECIPE.steps,
  B: D2L_RECIPE.batch,
};

/** Backend × engine pairs the page times, fastest-first as the pickers list them. */
export const BENCH_LANES: readonly (readonly [string, string])[] = [
  ['reference', 'float32'],
  ['tfjs', 'wasm'],
  ['tfjs', 'webgl'],
  ['tfjs', 'webgpu'],
  ['tfjs', 'cpu'],
  ['onnxruntime', 'wasm'],
  ['onnxruntime', 'webgpu'],
  ['webgpu', 'webgpu'],
];

/** The cells the page times, in this order, unless `?modes=` names fewer. */
export const BENCH_MODES: readonly RnnMode[] = ['rnn_tanh', 'gru', 'lstm'];

/** What {@link runBench} times: which lanes and cells, and whether a training step too. */
export interface BenchChoice {
  readonly lanes?: readonly (readonly [string, string])[];
  readonly modes?: readonly RnnMode[];
  /** false times the forward only. */
  readonly training?: boolean;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Times one d2l forward call per backend, engine and cell (2 warm-up calls, then the median of
 * `repeats`) and, where the backend trains, one d2l training step (lm's `timeTrainStep`: the 3-layer
 * language model with its head, SGD and clipping, one warm-up step, then the median of `repeats`). Fills
 * a table in the page; a lane that cannot start, or does not train, says why.
 *
 * @returns the table as Markdown.
 */
export async function runBench(
  repeats: number,
  onProgress: (line: string) => void,
  { lanes = BENCH_LANES, modes = BENCH_MODES, training = true }: BenchChoice = {},
): Promise<string> {
  const section = document.createElement('section');
  section.innerHTML = '<h2>d2l timings in this page</h2><table id="bench-table" class="check-table"></table>';
  const columns = [
    ...modes.map((m) => `${m} forward (ms)`),
    ...(training ? modes.map((m) => `${m} train step (ms)`) : []),
  ];
  byId('check-panel').after(section);
  const rows: string[][] = [];
  const render = (): void => {
    byId('bench-table').innerHTML =
      `<tr><th>backend</th><th>device</th>${columns.map((c) => `<th>${c}</th>`).join('')}</tr>` +
      rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  };
  for (const [name, engine] of lanes) {
    const row = [`${name} ${engine}`, '', ...columns.map(() => '…')];
    rows.push(row);
    render();
    try {
      const backend = await pageBackend(name).create(engine);
      row[1] = backend.device;
      try {
        for (const [i, mode] of modes.entries()) {
          onProgress(`timing ${name} ${engine} ${mode}…`);
          const spec = defineSpec({
            mode,
            inputSize: D2L.inputSize,
            hiddenSize: D2L.hiddenSize,
            numLayers: D2L.numLayers,
          });
          await using model = await backend.createModel(spec, initParams(spec, { seed: 1 }));
          const input = tensor(
            new Float32Array(D2L.T * D2L.B * D2L.inputSize).map((_, k) => Math.sin(k)),
            [D2L.T, D2L.B, D2L.inputSize],
          );
          const times: number[] = [];
          for (let r = 0; r < repeats + 2; r++) {
            const t0 = performance.now();
            await model.forward(input);
            if (r >= 2) times.push(performance.now() - t0);
          }
          row[2 + i] = median(times).toFixed(1);
          render();
        }
        if (training) {
          for (const [i, mode] of modes.entries()) {
            onProgress(`timing a training step of ${name} ${engine} ${mode}…`);
            row[2 + modes.length + i] = await trainStepCell(backend, mode, repeats);
            render();
          }
        }
      } finally {
        await backend.dispose();
      }
    } catch (e) {
      row[1] = `did not run: ${oneLine(e)}`;
      render();
    }
  }
  const header = `| backend | device | ${columns.join(' | ')} |`;
  return [header, `|---|---|${columns.map(() => '---:').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );
}

/** The median ms of a d2l training step on `backend`, or why it does not train. */
async function trainStepCell(backend: Backend, mode: RnnMode, repeats: number): Promise<string> {
  if (!backend.createTrainer) return 'no training';
  try {
    const timing = await timeTrainStep({ backend, mode, numLayers: D2L.numLayers, repeats, warmup: 1 });
    return timing.msPerStep.toFixed(1);
  } catch (e) {
    return `did not train: ${oneLine(e)}`;
  }
}
