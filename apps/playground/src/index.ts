/**
 * The playground page: pick a backend, train the note's experiment live, load, generate and save
 * models, and run the conformance suite. Driven by its URL too: `?check=`, `?train=`, `?bench=d2l`.
 *
 * @packageDocumentation
 */
import type { RnnMode } from '@deeprnn/core';
import {
  type StartedBackend,
  fillPickers,
  pickedBackend,
  showBackend,
  startBackend,
  startFastest,
} from './backend-picker.js';
import { BENCH_MODES, runBench } from './bench.js';
import { runCheck, summary } from './check-panel.js';
import { pageBackend, setPageWasmThreads } from './backends.js';
import { byId, guarded, showError, status } from './dom.js';
import { type TrainPanel, createTrainPanel } from './train-panel.js';
import { createModelPanel } from './model-panel.js';
import { yieldingBackend } from './yielding-backend.js';

let current: StartedBackend | null = null;

/** The running backend; starts the pickers' choice (or the fastest) when none runs or the choice changed. */
async function backendInUse(wanted?: { name: string; engine: string | undefined }): Promise<StartedBackend> {
  const pick = wanted ?? pickedBackend();
  if (current && current.page.name === pick.name && current.engine === pick.engine) return current;
  status(`starting ${pick.name}${pick.engine ? ` on ${pick.engine}` : ''}…`);
  const next = await startBackend(pick.name, pick.engine);
  await current?.backend.dispose();
  current = next;
  showBackend(current);
  status(`ready: ${current.label}`);
  return current;
}

const models = createModelPanel(() => backendInUse());
const train: TrainPanel = createTrainPanel(
  () => backendInUse(),
  (model, label) => models.setModel(model, label),
);

/** Runs the conformance suite on the chosen backend; resolves to the CLI's last line. */
async function check(runs: number, seed?: number): Promise<string> {
  const started = await backendInUse();
  const results = await runCheck(yieldingBackend(started.backend), started.label, runs, status, seed);
  const line = summary(results);
  status(`conformance on ${started.label}: ${line}`);
  return line;
}

function intParam(params: URLSearchParams, key: string, fallback: number): number {
  const raw = params.get(key);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`?${key}= must be a non-negative integer, got '${raw}'`);
  return value;
}

/**
 * `?check=BACKEND[&engine=E][&runs=N][&seed=S]`, `?train=BACKEND[&engine=E]&epochs=N&layers=1,3[&hidden=H][&mode=M][&tokens=N]`
 * and `?bench=d2l[&repeats=N][&lanes=tfjs:wasm,...][&modes=gru,...][&training=0]` run at load and write their outcome into document.title;
 * `&threads=N` with any of them sets the wasm threads of tfjs and onnxruntime-web first.
 */
async function driveFromUrl(params: URLSearchParams): Promise<void> {
  if (params.get('threads') !== null) {
    const threads = intParam(params, 'threads', 0);
    if (threads < 1) throw new Error(`?threads= must be a positive integer, got '${params.get('threads')}'`);
    setPageWasmThreads(threads);
  }
  const checkName = params.get('check');
  const trainName = params.get('train');
  const name = checkName ?? trainName;
  const wanted = name === null ? undefined : { name, engine: params.get('engine') ?? undefined };
  if (wanted) {
    pageBackend(wanted.name);
    fillPickers(wanted);
    await backendInUse(wanted);
  } else {
    status('finding the fastest backend that starts…');
    current = await startFastest();
    fillPickers({ name: current.page.name, engine: current.engine });
    showBackend(current);
    status(`ready: ${current.label}`);
  }
  if (checkName !== null) {
    const seed = params.get('seed');
    document.title = await check(intParam(params, 'runs', 5), seed === null ? undefined : Number(seed));
  }
  if (trainName !== null) {
    train.applyParams(params);
    document.title = await train.run();
  }
  if (params.get('bench') === 'd2l') {
    const lanes = params
      .get('lanes')
      ?.split(',')
      .map((lane) => lane.split(':') as [string, string]);
    const training = params.get('training') ?? '1';
    if (training !== '0' && training !== '1') throw new Error(`?training= must be 0 or 1, got '${training}'`);
    // Each named cell once, in the order given.
    const modes = params.get('modes') === null ? undefined : [...new Set(params.get('modes')!.split(','))];
    const unknown = modes?.find((m) => !(BENCH_MODES as readonly string[]).includes(m));
    if (unknown !== undefined)
      throw new Error(`?modes= takes ${BENCH_MODES.join(', ')} (comma-separated), got '${unknown}'`);
    const table = await runBench(intParam(params, 'repeats', 5), status, {
      ...(lanes === undefined ? {} : { lanes }),
      ...(modes === undefined ? {} : { modes: modes as RnnMode[] }),
      training: training === '1',
    });
    const pre = document.createElement('pre');
    pre.id = 'bench-markdown';
    pre.textContent = table;
    document.body.append(pre);
    status('d2l timings done');
    document.title = 'bench done';
  }
}

byId('start-backend').onclick = () =>
  void guarded(async () => {
    await backendInUse();
  });
byId('check').onclick = () =>
  void guarded(async () => {
    await check(Number(byId<HTMLInputElement>('runs').value));
  });

fillPickers();
driveFromUrl(new URLSearchParams(location.search)).catch((e: unknown) => {
  showError(e);
  document.title = `error: ${byId('status').textContent ?? ''}`;
});
