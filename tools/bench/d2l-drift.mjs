/* global process, console */
// Is a trainer's drift from the reference on the 3-layer d2l run (deeprnn depth) a bug or float32 chaos?
// Follows ONE trajectory (the float32 reference trainer, driven exactly as
// `deeprnn depth` drives every backend: The Time Machine's first 10000 characters, sequential
// partition with the state carried between minibatches and reset at each epoch, seed 0, SGD lr 1,
// clipping 1) and at probe steps feeds the SAME parameters, minibatch and carried state to
//   - the trainer under study (`--candidate webgpu`, the default, or `onnxruntime`),
//   - the float32 reference trainer (the noise floor of float32 arithmetic),
//   - the float64 reference trainer (the oracle),
// each twice: once with SGD lr 1024 and no clipping, so the raw gradient of every tensor is
// (p - p') / 1024 (exact in float64 on the host), and once with the run's SGD lr 1 and clipping 1
// (the real update, clipping scale and final state included). Prints one row per probe.
// With --window N, also runs each trainer N steps on its own from the first probe (carried state
// on the trainer, as in the run) and prints how far each drifts from the float64 one, and the
// perplexity of every whole epoch; --free f64,f32,cand picks those trainers, --noise 1e-6,3e-7 adds
// float64 trainers whose gradients and carried state get that relative noise each step.
// Findings: TRAINING.md, "The 3-layer drift is float32 chaos, not a bug".
//   DEEPRNN_DATA_DIR=<folder with timemachine.txt> node tools/bench/d2l-drift.mjs [--layers 3]
//     [--probes 0,40,80,120,159] [--window 0] [--free f64,f32,cand] [--noise 1e-6]
import { createReferenceBackend, tensor } from '@deeprnn/core';
import {
  createLmTrainer,
  epochBatches,
  initialTrainingState,
  lmSpec,
  loadCorpus,
  readLmTrainer,
  toTrainerParams,
  trainStep,
} from '@deeprnn/lm';
import { timeMachine } from '@deeprnn/lm/node';
import { createBackend as createWebgpuBackend } from '@deeprnn/backend-webgpu';
import { createBackend as createOrtBackend } from '@deeprnn/backend-onnxruntime';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const numLayers = Number(arg('layers', '3'));
const probes = arg('probes', '0,40,80,120,159').split(',').map(Number);
const window = Number(arg('window', '0'));
const freeRunners = arg('free', 'f64,f32,cand').split(',');
if (!freeRunners.includes('f64')) freeRunners.unshift('f64');
const noise = arg('noise', '')
  .split(',')
  .filter((x) => x !== '')
  .map(Number);
const RAW_LR = 1024;

const { text } = await timeMachine({ download: false });
const corpus = loadCorpus(text, 10000);
const config = {
  model: { mode: 'rnn_tanh', vocabSize: corpus.vocab.size, hiddenSize: 256, numLayers },
  epochs: 20,
  optimizer: { name: 'sgd', lr: 1 },
  batch: 32,
  steps: 35,
  partition: 'sequential',
  gradClipNorm: 1,
  seed: 0,
};
const spec = lmSpec(config.model);
const V = config.model.vocabSize;

/** The run's minibatches in order, with the flag that marks each epoch's first (state reset). */
function schedule() {
  const out = [];
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    epochBatches(config.partition, corpus.ids, config.batch, config.steps, config.seed, epoch).forEach((b, i) =>
      out.push({ epoch, isFirst: i === 0, batch: b }),
    );
  }
  return out;
}

const start = initialTrainingState(config, corpus.vocab.tokens);
const startParams = toTrainerParams(start.params);
const shapes = new Map([
  ...Object.entries(startParams.rnn).map(([k, t]) => [k, t.shape]),
  ['head.weight', startParams.head.weight.shape],
  ['head.bias', startParams.head.bias.shape],
]);
const sgd = (lr) => ({ name: 'sgd', lr });
const ref32 = createReferenceBackend({ dtype: 'float32' });
const ref64 = createReferenceBackend({ dtype: 'float64' });
// The trainer under study ("cand" below): our WGSL trainer (default) or ONNX Runtime's training graph on its CPU provider.
const candName = arg('candidate', 'webgpu');
if (candName !== 'webgpu' && candName !== 'onnxruntime')
  throw new Error(`--candidate must be webgpu or onnxruntime, got ${candName}`);
const cand = candName === 'webgpu' ? await createWebgpuBackend() : await createOrtBackend({ providers: ['cpu'] });
const makeTrainer = (backend, lr, clip) =>
  createLmTrainer(backend, spec, {
    params: start.params,
    optimizer: sgd(lr),
    optimizerState: { step: 0, moments: {} },
    gradClipNorm: clip,
  });
const probeTrainers = {};
for (const [name, backend] of [
  ['f64', ref64],
  ['f32', ref32],
  ['cand', cand],
]) {
  probeTrainers[name] = { raw: await makeTrainer(backend, RAW_LR, null), run: await makeTrainer(backend, 1, 1) };
}

/** Flattened named tensors (float64 copies) of trainer parameters. */
function flat(p) {
  const out = new Map();
  for (const [name, t] of Object.entries(p.rnn)) out.set(name, Float64Array.from(t.data));
  if (p.head) {
    out.set('head.weight', Float64Array.from(p.head.weight.data));
    out.set('head.bias', Float64Array.from(p.head.bias.data));
  }
  return out;
}
const diff = (a, b, scale = 1) => a.map((x, i) => (x - b[i]) / scale);
const norm = (a) => Math.sqrt(a.reduce((s, x) => s + x * x, 0));
const relErr = (got, want) => norm(diff(got, want)) / Math.max(norm(want), 1e-30);
/** Norm-wise relative error of each tensor, and of all of them together. */
function tensorErrors(got, want) {
  const per = {};
  let num = 0;
  let den = 0;
  for (const [name, w] of want) {
    const g = got.get(name);
    per[name] = relErr(g, w);
    num += norm(diff(g, w)) ** 2;
    den += norm(w) ** 2;
  }
  return { per, all: Math.sqrt(num / den) };
}

/** One step of `trainer` from (params, state) on `batch`: loss, norm, parameters after, final state. */
async function stepFrom(trainer, params, initial, batch) {
  await trainer.restore({ params: toTrainerParams(params), optimizerState: { step: 0, moments: {} } });
  const r = await trainStep(trainer, V, batch, initial, 0);
  const state = await r.state.read();
  const after = flat(await trainer.readParams());
  return { loss: r.loss, gradNorm: r.gradNorm, after, state: Float64Array.from(state.h.data) };
}

async function probe(step, params, initial, batch) {
  const before = flat(toTrainerParams(params));
  const res = {};
  for (const [name, t] of Object.entries(probeTrainers)) {
    const raw = await stepFrom(t.raw, params, initial, batch);
    const grads = new Map([...before].map(([k, p]) => [k, diff(p, raw.after.get(k), RAW_LR)]));
    const run = await stepFrom(t.run, params, initial, batch);
    const update = new Map([...before].map(([k, p]) => [k, diff(p, run.after.get(k))]));
    res[name] = { raw, grads, run, update };
  }
  const row = { step, loss: {}, gradNorm: {}, grad: {}, update: {}, state: {} };
  for (const name of ['f64', 'f32', 'cand']) {
    row.loss[name] = res[name].raw.loss;
    row.gradNorm[name] = res[name].raw.gradNorm;
  }
  for (const name of ['f32', 'cand']) {
    row.grad[name] = tensorErrors(res[name].grads, res.f64.grads);
    row.update[name] = tensorErrors(res[name].update, res.f64.update).all;
    row.state[name] = relErr(res[name].run.state, res.f64.run.state);
  }
  return row;
}

/** A float64 trainer whose gradients and carried state get relative noise sigma (float32 arithmetic's, modelled). */
async function noisyRunner(sigma, params, host) {
  const raw = await makeTrainer(ref64, RAW_LR, null);
  let p = flat(toTrainerParams(params));
  let state = host ? Float64Array.from(host.h.data) : undefined;
  const shape = host?.h.shape ?? [numLayers, config.batch, config.model.hiddenSize];
  let seed = 12345;
  const u = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return (seed / 2 ** 32 - 0.5) * 2 * Math.sqrt(3);
  };
  const asParams = (m) => {
    const rnn = {};
    for (const [k, v] of m) if (!k.startsWith('head.')) rnn[k] = tensor(v, shapes.get(k));
    return {
      rnn,
      head: {
        weight: tensor(m.get('head.weight'), shapes.get('head.weight')),
        bias: tensor(m.get('head.bias'), shapes.get('head.bias')),
      },
    };
  };
  return async (batch, reset) => {
    if (reset) state = undefined;
    await raw.restore({ params: asParams(p), optimizerState: { step: 0, moments: {} } });
    const r = await trainStep(raw, V, batch, state ? { h: tensor(state, shape) } : undefined, 0);
    const after = flat(await raw.readParams());
    const h = await r.state.read();
    state = h.h.data.map((x) => x * (1 + sigma * u()));
    const grads = new Map([...p].map(([k, v]) => [k, diff(v, after.get(k), RAW_LR).map((g) => g * (1 + sigma * u()))]));
    let sq = 0;
    for (const g of grads.values()) sq += norm(g) ** 2;
    const gradNorm = Math.sqrt(sq);
    const scale = config.gradClipNorm !== null && gradNorm > config.gradClipNorm ? config.gradClipNorm / gradNorm : 1;
    p = new Map([...p].map(([k, v]) => [k, v.map((x, i) => x - config.optimizer.lr * scale * grads.get(k)[i])]));
    return { loss: r.loss, gradNorm, params: p };
  };
}

const fmt = (x, d = 2) => x.toExponential(d);
const worst = (per) => Object.entries(per).reduce((a, b) => (b[1] > a[1] ? b : a));
function printRow(r, epoch) {
  const wg = worst(r.grad.cand.per);
  const wf = worst(r.grad.f32.per);
  console.log(
    `| ${r.step} | ${epoch + 1} | ${r.loss.f64.toFixed(5)} | ${r.loss.cand.toFixed(5)} | ${r.gradNorm.f64.toFixed(4)} | ${r.gradNorm.cand.toFixed(4)} | ${r.gradNorm.f64 > 1 ? 'yes' : 'no'} ` +
      `| ${fmt(r.grad.f32.all)} | ${fmt(r.grad.cand.all)} | ${fmt(wf[1])} ${wf[0]} | ${fmt(wg[1])} ${wg[0]} | ${fmt(r.update.f32)} | ${fmt(r.update.cand)} | ${fmt(r.state.f32)} | ${fmt(r.state.cand)} |`,
  );
}

console.log(
  `d2l ${numLayers} layer(s), hidden 256, T=35, B=32, SGD lr 1, clip 1; trajectory: float32 reference; cand = ${candName}: ${cand.device}`,
);
console.log(
  'relative errors against the float64 reference from the same parameters, batch and carried state (norm-wise per tensor; "all" = every tensor together)',
);
console.log(
  '| step | epoch | loss f64 | loss cand | norm f64 | norm cand | clipped | grad err f32 all | grad err cand all | worst f32 tensor | worst cand tensor | update err f32 | update err cand | state err f32 | state err cand |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');

const plan = schedule();
const last = Math.max(...probes);
const traj = await makeTrainer(ref32, 1, 1);
const rows = [];
let carried;
let windowStart = null;
const clippedSteps = [];
for (let s = 0; s <= last && s < plan.length; s++) {
  const { epoch, isFirst, batch } = plan[s];
  if (isFirst) carried = undefined;
  if (probes.includes(s)) {
    const { params } = await readLmTrainer(traj);
    const host = carried ? await carried.read() : undefined;
    const r = await probe(s, params, host, batch);
    rows.push(r);
    printRow(r, epoch);
    if (windowStart === null) windowStart = { s, params, host };
  }
  const r = await trainStep(traj, V, batch, carried, 0);
  if (config.gradClipNorm !== null && r.gradNorm > config.gradClipNorm)
    clippedSteps.push(`${s} (${r.gradNorm.toFixed(3)})`);
  carried = r.state;
}
console.log(
  `\nsteps of the float32 trajectory (up to ${last}) whose gradient norm exceeded ${config.gradClipNorm}: ${clippedSteps.join(', ') || 'none'}`,
);

if (window > 0 && windowStart) {
  // Each trainer alone for `window` steps from the first probe, carrying its own state as the run does.
  const runs = {};
  for (const name of freeRunners) {
    const backend = { f64: ref64, f32: ref32, cand }[name];
    const t = await makeTrainer(backend, 1, 1);
    await t.restore({ params: toTrainerParams(windowStart.params), optimizerState: { step: 0, moments: {} } });
    let carried = windowStart.host;
    runs[name] = async (batch, reset) => {
      if (reset) carried = undefined;
      const r = await trainStep(t, V, batch, carried, 0);
      carried = r.state;
      return { loss: r.loss, gradNorm: r.gradNorm, params: flat(await t.readParams()) };
    };
  }
  for (const sigma of noise)
    runs[`f64 noise ${sigma}`] = await noisyRunner(sigma, windowStart.params, windowStart.host);
  const others = Object.keys(runs).filter((n) => n !== 'f64');
  console.log(
    `\nfree-running from step ${windowStart.s}: relative parameter distance to the float64 run, ||p_x - p_f64|| / ||p_f64 - p_start||, and loss`,
  );
  console.log(
    `| step | ${Object.keys(runs)
      .map((n) => `loss ${n}`)
      .join(' | ')} | norm f64 | ${others.map((n) => `dist ${n}`).join(' | ')} |`,
  );
  console.log(
    `|---|${Object.keys(runs)
      .map(() => '---|')
      .join('')}---|${others.map(() => '---|').join('')}`,
  );
  const p0 = flat(toTrainerParams(windowStart.params));
  const epochLosses = new Map();
  for (let s = windowStart.s; s < Math.min(windowStart.s + window, plan.length); s++) {
    const { epoch, isFirst, batch } = plan[s];
    const res = {};
    for (const [name, run] of Object.entries(runs)) res[name] = await run(batch, isFirst && s !== windowStart.s);
    let moved = 0;
    for (const [k, v] of res.f64.params) moved += norm(diff(v, p0.get(k))) ** 2;
    const dist = (x) => {
      let d = 0;
      for (const [k, v] of res.f64.params) d += norm(diff(res[x].params.get(k), v)) ** 2;
      return Math.sqrt(d / moved);
    };
    if (!epochLosses.has(epoch)) epochLosses.set(epoch, []);
    epochLosses.get(epoch).push(Object.fromEntries(Object.entries(res).map(([n, r]) => [n, r.loss])));
    console.log(
      `| ${s + 1} | ${Object.values(res)
        .map((r) => r.loss.toFixed(5))
        .join(' | ')} | ${res.f64.gradNorm.toFixed(4)} | ${others.map((n) => fmt(dist(n))).join(' | ')} |`,
    );
  }
  // Whole epochs only (a window that starts at an epoch's first minibatch): the perplexity deeprnn depth prints.
  console.log(
    `\n| epoch | ${Object.keys(runs)
      .map((n) => `perplexity ${n}`)
      .join(' | ')} |`,
  );
  console.log(
    `|---|${Object.keys(runs)
      .map(() => '---|')
      .join('')}`,
  );
  const perEpoch = (e) => plan.filter((x) => x.epoch === e).length;
  for (const [e, ls] of epochLosses) {
    if (ls.length !== perEpoch(e)) continue;
    const ppl = (x) => Math.exp(ls.reduce((a, l) => a + l[x], 0) / ls.length).toFixed(3);
    console.log(`| ${e + 1} | ${Object.keys(runs).map(ppl).join(' | ')} |`);
  }
}
await cand.dispose();
