// Training-step timing through the core trainer contract (Backend.createTrainer), so any backend
// that implements it is measured the same way: the d2l character LM (one-hot input, linear +
// softmax cross-entropy head, global-norm clipping to 1, SGD lr 1), random tokens, fixed seed.
import { SeededRandom, defineSpec, initParams, tensor } from '@deeprnn/core';
import { median } from './bench-common.mjs';

/** The counters a backend's trainer or model exposes, under the names backends use; null if none. */
export function statsOf(obj) {
  const s = obj?.lastStepStats ?? obj?.lastRunStats ?? obj?.stats ?? null;
  return s && typeof s === 'object' ? s : null;
}

/** The step's spec, initial parameters (RNN seed 0, head U(-1/sqrt(H), 1/sqrt(H)), bias 0) and two batches. */
export function lmCase(mode, numLayers, lm) {
  const { hidden: H, batch: B, steps: T, vocab: V } = lm;
  const spec = defineSpec({ mode, inputSize: V, hiddenSize: H, numLayers });
  const rng = new SeededRandom(7);
  const bound = 1 / Math.sqrt(H);
  const head = {
    weight: tensor(
      Float32Array.from({ length: V * H }, () => (2 * rng.nextFloat() - 1) * bound),
      [V, H],
    ),
    bias: tensor(new Float32Array(V), [V]),
  };
  const batches = [0, 1].map(() => {
    const tokens = Int32Array.from({ length: (T + 1) * B }, () => Math.floor(rng.nextFloat() * V));
    const input = new Float32Array(T * B * V);
    for (let i = 0; i < T * B; i++) input[i * V + tokens[i]] = 1; // row t*B+b: token at step t of sequence b
    return { input: tensor(input, [T, B, V]), targets: tokens.slice(B) }; // the next token, same row order
  });
  return { spec, params: { rnn: initParams(spec, { seed: 0 }), head }, batches };
}

/** The contract's init for the d2l recipe. */
const initFor = (lc) => ({ params: lc.params, optimizer: { name: 'sgd', lr: 1 }, gradClipNorm: 1 });

/**
 * Median ms of one `trainer.step` (the loss and norm come back to the host: each step is complete).
 * Also the first step's loss and gradient norm (before any update) and the trainer's counters.
 */
export async function timeContractStep(backend, lc, lm) {
  const trainer = await backend.createTrainer(lc.spec, initFor(lc));
  try {
    let i = 0;
    let first = null;
    let last = null;
    const step = async () => {
      const r = await trainer.step({ ...lc.batches[i % 2], dropoutSeed: i });
      if (i === 0) first = r;
      last = r;
      i++;
    };
    const ms = await median(step, { warmup: lm.warmup, repeats: lm.repeats, budgetMs: 20_000 });
    if (!Number.isFinite(last.loss)) throw new Error(`the loss is ${last.loss} after ${i} steps`);
    return { ms, loss: first.loss, gradNorm: first.gradNorm, stats: statsOf(trainer) };
  } finally {
    await trainer.dispose();
  }
}

/** The first step's loss and gradient norm on the oracle (float64 reference), or null when it has no trainer. */
export async function referenceFirstStep(oracle, lc) {
  if (typeof oracle.createTrainer !== 'function') return null;
  const trainer = await oracle.createTrainer(lc.spec, initFor(lc));
  try {
    const r = await trainer.step({ ...lc.batches[0], dropoutSeed: 0 });
    return { loss: r.loss, gradNorm: r.gradNorm };
  } finally {
    await trainer.dispose();
  }
}

/**
 * Before the trainer contract (tfjs's own createTfjsTrainer + @deeprnn/lm's timeTrainStep): the old
 * path, so this bench also runs on a tree without Backend.createTrainer. Null when neither exists.
 */
export async function timeLegacyStep(backend, tfjsModule, lmBench, mode, numLayers, lm) {
  if (typeof tfjsModule.createTfjsTrainer !== 'function' || typeof lmBench?.timeTrainStep !== 'function') return null;
  const spec = defineSpec({ mode, inputSize: lm.vocab, hiddenSize: lm.hidden, numLayers });
  const trainer = tfjsModule.createTfjsTrainer(backend, spec);
  try {
    const t = await lmBench.timeTrainStep({
      backend,
      mode,
      numLayers,
      hidden: lm.hidden,
      batch: lm.batch,
      steps: lm.steps,
      vocab: lm.vocab,
      warmup: lm.warmup,
      repeats: lm.repeats,
      trainer,
    });
    return { ms: t.msPerStep, loss: null, gradNorm: null, stats: null };
  } finally {
    await trainer.dispose();
  }
}
