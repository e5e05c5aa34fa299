import type { RnnMode } from '@deeprnn/core';
import type { LanguageModel } from '@deeprnn/lm';
import type { StartedBackend } from './backend-picker.js';
import { escapeHtml } from './backend-picker.js';
import { type Series, drawChart } from './chart.js';
import { fetchCorpus } from './corpus.js';
import { byId, guarded, status } from './dom.js';
import { type ExperimentSettings, runExperiment, sample } from './experiment.js';
import { yieldingBackend } from './yielding-backend.js';

/** The training section: its inputs, the chart and samples, start and stop. */
export interface TrainPanel {
  /** Copies `epochs`, `layers`, `hidden`, `mode`, `tokens` from the URL into the inputs. */
  applyParams(params: URLSearchParams): void;
  /** Trains with the inputs' settings; resolves to `perplexity L1=x L3=y` (the last epoch of each depth). */
  run(): Promise<string>;
}

const PREFIX = 'time traveller';
const MODES: readonly RnnMode[] = ['rnn_tanh', 'gru', 'lstm'];

function readSettings(): ExperimentSettings & { tokens: number } {
  const int = (id: string, min: number): number => {
    const raw = byId<HTMLInputElement>(id).value;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${id} must be an integer ≥ ${min}, got '${raw}'`);
    return value;
  };
  const layersRaw = byId<HTMLInputElement>('layers').value;
  const layers = layersRaw.split(',').map((s) => Number(s.trim()));
  if (layers.length === 0 || layers.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) {
    throw new Error(`layers must be a comma-separated list of depths like 1,3, got '${layersRaw}'`);
  }
  const mode = byId<HTMLSelectElement>('mode').value as RnnMode;
  if (!MODES.includes(mode)) throw new Error(`cell must be one of ${MODES.join(', ')}, got '${mode}'`);
  return { mode, hidden: int('hidden', 1), layers, epochs: int('epochs', 1), tokens: int('tokens', 0) };
}

/**
 * Wires the training section. `backend` gives the backend in use; `onModel` receives the deepest
 * model when a run ends (for generation and download).
 */
export function createTrainPanel(
  backend: () => Promise<StartedBackend>,
  onModel: (model: LanguageModel, label: string) => void,
): TrainPanel {
  const trainButton = byId<HTMLButtonElement>('train');
  const stopButton = byId<HTMLButtonElement>('stop');
  const chart = byId('chart') as unknown as SVGSVGElement;
  let controller: AbortController | null = null;

  async function run(): Promise<string> {
    const settings = readSettings();
    controller?.abort();
    const ctl = new AbortController();
    controller = ctl;
    trainButton.disabled = true;
    stopButton.disabled = false;
    try {
      const started = await backend();
      status('loading the corpus…');
      const corpus = await fetchCorpus(settings.tokens);
      const series = new Map<number, { epoch: number; perplexity: number }[]>(settings.layers.map((n) => [n, []]));
      const samples = new Map<number, string>();
      const redraw = (): void => {
        const lines: Series[] = settings.layers.map((n) => ({ label: `L${n}`, points: series.get(n)! }));
        drawChart(chart, lines, settings.epochs);
        // For automation: perplexity per epoch of each depth.
        chart.dataset.perplexity = JSON.stringify(
          Object.fromEntries([...series].map(([n, pts]) => [`L${n}`, pts.map((p) => p.perplexity)])),
        );
        byId('samples').innerHTML = [...samples.entries()]
          .map(([n, s]) => `<div><b>L${n}</b> ${escapeHtml(s)}</div>`)
          .join('');
      };
      redraw();
      const every = Math.max(1, Math.round(settings.epochs / 10));
      const live = yieldingBackend(started.backend);
      const outcomes = await runExperiment(live, corpus, settings, {
        signal: ctl.signal,
        onStep: (n, epoch, batch, batches) =>
          status(
            `training on ${started.label}: L${n} epoch ${epoch + 1}/${settings.epochs}, minibatch ${batch + 1}/${batches}`,
          ),
        onEpoch: async (n, record, model) => {
          series.get(n)!.push({ epoch: record.epoch, perplexity: record.perplexity });
          if (record.epoch % every === 0 || record.epoch === settings.epochs) {
            const text = await sample(live, model, PREFIX, 50);
            samples.set(n, `epoch ${record.epoch}, perplexity ${record.perplexity.toFixed(2)}: ${text}`);
          }
          redraw();
        },
      });
      const finals = outcomes.map((o) => `L${o.layers}=${(o.history.at(-1)?.perplexity ?? NaN).toFixed(2)}`);
      const deepest = outcomes.reduce((a, b) => (b.layers > a.layers ? b : a));
      onModel(
        deepest.model,
        `trained here: ${deepest.layers} layer${deepest.layers > 1 ? 's' : ''}, ${deepest.history.length} epochs`,
      );
      const stopped = outcomes.some((o) => o.aborted) ? ' (stopped)' : '';
      const line = `perplexity ${finals.join(' ')}`;
      status(`${line}${stopped} on ${started.label}`);
      return line;
    } finally {
      if (controller === ctl) controller = null;
      trainButton.disabled = false;
      stopButton.disabled = true;
    }
  }

  trainButton.onclick = () =>
    void guarded(async () => {
      await run();
    });
  stopButton.onclick = () => controller?.abort();

  return {
    applyParams(params) {
      for (const key of ['epochs', 'layers', 'hidden', 'mode', 'tokens']) {
        const value = params.get(key);
        if (value !== null) (byId(key) as HTMLInputElement | HTMLSelectElement).value = value;
      }
    },
    run,
  };
}
