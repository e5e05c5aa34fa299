import { join } from 'node:path';
import {
  type FloatArray,
  createReferenceBackend,
  clipGlobalNorm,
  paramLayout,
  softmaxHeadGradients,
  tensor,
  updateParameter,
} from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import {
  HEAD_BIAS,
  HEAD_WEIGHT,
  type TrainConfig,
  type TrainingState,
  Vocab,
  createLmTrainer,
  depthExperiment,
  generate,
  initLmParams,
  initialOptimizerState,
  initialTrainingState,
  lmSpec,
  loadCheckpoint,
  loadCorpus,
  loadModel,
  oneHotTimeMajor,
  readLmTrainer,
  rnnParamsOf,
  saveCheckpoint,
  saveModel,
  targetsTimeMajor,
  timeTrainStep,
  trainLoop,
  trainStep,
} from '../src/node.js';
import { TINY_TEXT, tempDir } from './fixtures.js';

const corpus = loadCorpus(TINY_TEXT);

function recipe(over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    model: { mode: 'rnn_tanh', vocabSize: corpus.vocab.size, hiddenSize: 16, numLayers: 2 },
    epochs: 3,
    optimizer: { name: 'sgd', lr: 1 },
    batch: 4,
    steps: 8,
    partition: 'sequential',
    gradClipNorm: 1,
    seed: 5,
    ...over,
  };
}

async function run(
  start: TrainingState,
  signal?: AbortSignal,
  stopAfter?: number,
  ctl?: AbortController,
): Promise<{ state: TrainingState; aborted: boolean }> {
  const backend = createReferenceBackend();
  let steps = 0;
  return trainLoop(backend, corpus.ids, start, {
    ...(signal ? { signal } : {}),
    onStep: () => {
      steps += 1;
      if (stopAfter !== undefined && steps === stopAfter) ctl?.abort();
    },
  });
}

function sameParams(a: TrainingState, b: TrainingState): void {
  expect(Object.keys(a.params).sort()).toEqual(Object.keys(b.params).sort());
  for (const [name, t] of Object.entries(a.params)) {
    expect(Buffer.from(b.params[name]!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
  }
  expect(b.history.map((h) => h.perplexity)).toEqual(a.history.map((h) => h.perplexity));
}

describe('training a character LM on the reference backend', () => {
  it('lowers perplexity', async () => {
    const { state } = await run(initialTrainingState(recipe({ epochs: 4 }), corpus.vocab.tokens));
    const ppl = state.history.map((h) => h.perplexity);
    expect(ppl).toHaveLength(4);
    expect(ppl[0]!).toBeLessThan(corpus.vocab.size + 1);
    expect(ppl[3]!).toBeLessThan(ppl[0]!);
  });

  for (const [name, over] of [
    ['sgd, sequential (d2l)', {}],
    [
      'adam, random partition, dropout, lstm',
      {
        optimizer: { name: 'adam', lr: 0.01 },
        partition: 'random',
        model: { mode: 'lstm', vocabSize: corpus.vocab.size, hiddenSize: 8, numLayers: 2, rnn: { dropout: 0.2 } },
      },
    ],
  ] as const) {
    it(`resumes bit-identically from a checkpoint taken mid-epoch (Ctrl-C) and at an epoch boundary: ${name}`, async () => {
      const config = recipe(over as Partial<TrainConfig>);
      const start = initialTrainingState(config, corpus.vocab.tokens);
      const straight = await run(start);
      expect(straight.aborted).toBe(false);

      // Ctrl-C after 20 minibatches: the loop stops, the state is checkpointed and resumed from disk.
      const ctl = new AbortController();
      const stopped = await run(start, ctl.signal, 20, ctl);
      expect(stopped.aborted).toBe(true);
      expect(stopped.state.progress.batchIndex + stopped.state.progress.epoch).toBeGreaterThan(0);
      const path = join(tempDir(), 'checkpoint.safetensors');
      await saveCheckpoint(path, stopped.state);
      const resumed = await run(await loadCheckpoint(path));
      sameParams(straight.state, resumed.state);

      // Checkpoint at the end of epoch 1.
      const one = await run(initialTrainingState({ ...config, epochs: 1 }, corpus.vocab.tokens));
      await saveCheckpoint(path, one.state);
      const loaded = await loadCheckpoint(path);
      const resumed2 = await run({ ...loaded, config: { ...loaded.config, epochs: config.epochs } });
      sameParams(straight.state, resumed2.state);
    });
  }
});

describe('generation and saved models', () => {
  it('generates greedily and by sampling, from a saved model, on the reference backend', async () => {
    const { state } = await run(initialTrainingState(recipe({ epochs: 2 }), corpus.vocab.tokens));
    const dir = tempDir();
    await saveModel(dir, { spec: lmSpec(state.config.model), vocab: new Vocab(state.vocab), params: state.params });
    const model = await loadModel(dir);
    const backend = createReferenceBackend();
    const greedy = await generate(backend, model, 'time traveller', { chars: 20 });
    expect(greedy.startsWith('time traveller')).toBe(true);
    expect(greedy.length).toBe('time traveller'.length + 20);
    expect(await generate(backend, model, 'time traveller', { chars: 20 })).toBe(greedy);
    const a = await generate(backend, model, 'the', { chars: 30, temperature: 1, seed: 1 });
    expect(await generate(backend, model, 'the', { chars: 30, temperature: 1, seed: 1 })).toBe(a);
    expect(/^[a-z ]+$/.test(a.replace(/<unk>/g, ''))).toBe(true);
  });
});

describe('the depth experiment', () => {
  it('runs every depth with the same recipe and plots one line per depth (SVG and PNG)', async () => {
    const dir = tempDir();
    const { runs, svg, png } = await depthExperiment({
      backend: createReferenceBackend(),
      ids: corpus.ids,
      vocab: corpus.vocab.tokens,
      config: recipe({ epochs: 2 }),
      layers: [1, 2],
    });
    expect(runs.map((r) => r.layers)).toEqual([1, 2]);
    for (const r of runs) {
      expect(r.history).toHaveLength(2);
      expect(r.finalPerplexity).toBeGreaterThan(1);
      expect(r.tokensPerSec).toBeGreaterThan(0);
    }
    expect(svg).toContain('<svg');
    expect(Buffer.from(png.subarray(1, 4)).toString()).toBe('PNG');
    expect(dir).toBeTruthy();
  });
});

describe('timeTrainStep', () => {
  it('times a training step', async () => {
    const r = await timeTrainStep({ backend: createReferenceBackend(), hidden: 16, batch: 4, steps: 5, repeats: 2 });
    expect(r.msPerStep).toBeGreaterThan(0);
    expect(r.tokensPerSec).toBeGreaterThan(0);
  });
});

describe('trainStep on the reference trainer', () => {
  it('is bit for bit the host step: reference forward and gradients, host head, clipping and SGD in float32', async () => {
    const spec = lmSpec({ mode: 'gru', vocabSize: 6, hiddenSize: 5, numLayers: 2 });
    const params = initLmParams(spec, 6, 3);
    const X = Int32Array.from({ length: 4 * 3 }, (_, i) => (i * 5) % 6);
    const Y = Int32Array.from({ length: 4 * 3 }, (_, i) => (i * 7 + 1) % 6);
    const backend = createReferenceBackend();
    await using trainer = await createLmTrainer(backend, spec, {
      params,
      optimizer: { name: 'sgd', lr: 1 },
      optimizerState: initialOptimizerState(),
      gradClipNorm: 1,
    });
    const r = await trainStep(trainer, 6, { X, Y, batch: 4, steps: 3 }, undefined, 0);
    const got = await readLmTrainer(trainer);
    // The same step on the host, as @deeprnn/lm did it before trainers held the weights.
    const input = oneHotTimeMajor(X, 4, 3, 6);
    await using model = await backend.createModel(spec, rnnParamsOf(params));
    const { output } = await model.forward(input, undefined, { training: true });
    const W = params[HEAD_WEIGHT]!.data.slice();
    const b = params[HEAD_BIAS]!.data.slice();
    const head = softmaxHeadGradients(output.data, W, b, targetsTimeMajor(Y, 4, 3));
    const grads = await model.gradients!(
      input,
      undefined,
      { output: tensor(head.dY as Float32Array, output.shape) },
      { training: true },
    );
    const names = paramLayout(spec).map((s) => s.name);
    const all: FloatArray[] = [head.dW, head.db, ...names.map((n) => grads.params[n]!.data)];
    const values: FloatArray[] = [W, b, ...names.map((n) => params[`rnn.${n}`]!.data.slice())];
    expect(r.gradNorm).toBe(clipGlobalNorm(all, 1));
    expect(r.loss).toBe(head.loss);
    values.forEach((v, i) => updateParameter({ name: 'sgd', lr: 1 }, 1, v, all[i]!, null));
    const want = [HEAD_WEIGHT, HEAD_BIAS, ...names.map((n) => `rnn.${n}`)];
    want.forEach((name, i) => expect(Array.from(got.params[name]!.data), name).toEqual(Array.from(values[i]!)));
    expect(got.optimizerState.step).toBe(1);
  });

  it('refuses a backend that cannot train, naming it', async () => {
    const spec = lmSpec({ mode: 'rnn_tanh', vocabSize: 3, hiddenSize: 2, numLayers: 1 });
    const { createTrainer: _, ...reference } = createReferenceBackend();
    const inference = {
      ...reference,
      name: 'inference-only',
      capabilities: { ...reference.capabilities, training: false },
    };
    await expect(
      createLmTrainer(inference, spec, {
        params: initLmParams(spec, 3, 0),
        optimizer: { name: 'sgd', lr: 1 },
        optimizerState: initialOptimizerState(),
        gradClipNorm: null,
      }),
    ).rejects.toThrow(/inference-only .* cannot train/);
  });
});
