import {
  BackendInitError,
  SeededRandom,
  ShapeError,
  UnsupportedError,
  createReferenceBackend,
  defineSpec,
  initParams,
  sizeOf,
  tensor,
} from '@deeprnn/core';

const oracleBackend = createReferenceBackend({ dtype: 'float64' });
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WEBGPU_CAPABILITIES, createBackend } from '../src/index.js';
import { describeOnAdapter, probeBackend } from './adapter.js';
import { expectClose, oracle, smoothCase } from './helpers.js';
import { STEP_KERNEL_MAX_STEPS } from '../src/forward/step-encoder.js';

describe('without an adapter', () => {
  const scope = globalThis as { navigator?: unknown };
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  afterEach(() => {
    if (saved) Object.defineProperty(globalThis, 'navigator', saved);
    else delete scope.navigator;
  });

  it('createBackend rejects with BackendInitError saying there is no adapter', async () => {
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: { requestAdapter: () => Promise.resolve(null) } },
      configurable: true,
      writable: true,
    });
    const error = await createBackend().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendInitError);
    expect((error as Error).message).toMatch(/no WebGPU adapter/);
    // What a package user can install or pass; the repository's script only as a contributor note.
    expect((error as Error).message).toMatch(
      /Mesa 25 or newer.*apt install mesa-vulkan-drivers.*createBackend\(\{ device \}\).*browser.*Contributors to the deeprnn repository: tools\/ci\/setup-lavapipe\.sh/,
    );
  });

  it('unsupported() names the workgroup-memory limit for a too-wide hidden state, and nothing else', async () => {
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: { requestAdapter: () => Promise.resolve(null) } },
      configurable: true,
      writable: true,
    });
    const { unsupportedReason } = await import('../src/capabilities.js');
    expect(unsupportedReason(defineSpec({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: 2049 }), 16384)).toMatch(
      /hiddenSize 2049 needs 16400 bytes of workgroup memory/,
    );
    expect(unsupportedReason(defineSpec({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: 2048 }), 16384)).toBeNull();
    expect(
      unsupportedReason(
        defineSpec({
          mode: 'lstm',
          inputSize: 1,
          hiddenSize: 1024,
          projSize: 1023,
          peepholes: true,
          bidirectional: true,
        }),
        16384,
      ),
    ).toBeNull();
    expect(
      unsupportedReason(defineSpec({ mode: 'gru', inputSize: 1, hiddenSize: 1366, linearBeforeReset: false }), 16384),
    ).toMatch(/workgroup memory/);
    // Forward runs every mode; the trainer (createTrainer, gradients) every mode too, with the
    // options trainable.ts names.
    expect(WEBGPU_CAPABILITIES.training).toBe(true);
    const { trainingUnsupportedReason } = await import('../src/train/trainable.js');
    for (const mode of ['rnn_tanh', 'rnn_relu', 'gru', 'lstm'] as const)
      expect(
        trainingUnsupportedReason(defineSpec({ mode, inputSize: 3, hiddenSize: 256, numLayers: 3 }), 16384),
      ).toBeNull();
    expect(
      trainingUnsupportedReason(defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 8, projSize: 4 }), 16384),
    ).toBeNull();
    expect(
      trainingUnsupportedReason(defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 8, peepholes: true }), 16384),
    ).toBeNull();
    expect(
      trainingUnsupportedReason(
        defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 8, linearBeforeReset: false }),
        16384,
      ),
    ).toBeNull();
    expect(
      trainingUnsupportedReason(
        defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 8, activations: [{ name: 'Elu', alpha: -1 }] }),
        16384,
      ),
    ).toMatch(/Elu alpha -1/);
    expect(
      trainingUnsupportedReason(defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 8, clip: 2 }), 16384),
    ).toBeNull();
    expect(trainingUnsupportedReason(defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 683 }), 16384)).toMatch(
      /16400 bytes of workgroup memory/,
    );
    expect(trainingUnsupportedReason(defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 682 }), 16384)).toBeNull();
  });
});

const probe = await probeBackend();

describeOnAdapter('webgpu backend on this adapter', probe, (backend) => {
  afterAll(async () => {
    await backend.dispose();
  });

  it('names the adapter', () => {
    expect(backend.name).toBe('webgpu');
    expect(backend.device).toMatch(/^webgpu \(.+\)$/);
  });

  for (const bidirectional of [false, true]) {
    it(`one submit and 2 dispatches per layer (projection + recurrent, both directions), bidirectional ${bidirectional}`, async () => {
      const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 8, numLayers: 3, bidirectional });
      const c = smoothCase(spec, 5, 2, 1);
      await using model = await backend.createModel(spec, c.params);
      expect(model.lastRunStats).toBeNull();
      const { output, state } = await model.forward(c.input, c.initial);
      expect(model.lastRunStats).toEqual({
        dispatches: 2 * spec.numLayers,
        submits: 1,
        bytesRead: 4 * (sizeOf(output.shape) + sizeOf(state.h.shape) + sizeOf(state.c!.shape)),
        bytesWritten: expect.any(Number) as number,
      });
    });
  }

  it('model.stream keeps the state on the GPU: each step reads back only its output, one submit, one dispatch per layer', async () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 8, numLayers: 3 });
    const c = smoothCase(spec, 4, 2, 1);
    await using model = await backend.createModel(spec, c.params);
    await using stream = await model.stream({ batchSize: 2, initial: c.initial! });
    const x = c.input.data;
    const outs: number[] = [];
    for (let t = 0; t < 4; t++) {
      const y = await stream.step(tensor(x.slice(t * 2 * 3, (t + 1) * 2 * 3), [2, 3]));
      outs.push(...y.data);
      // h and c of 3 layers never cross to the host: 2 rows x 8 units of output only; the step
      // kernels compute the input projection inside the recurrence.
      expect(model.lastRunStats).toEqual({
        dispatches: spec.numLayers,
        submits: 1,
        bytesRead: 4 * 2 * 8,
        bytesWritten: expect.any(Number) as number,
      });
    }
    const whole = await oracle(spec, c.params, c.input, c.initial);
    const tol = WEBGPU_CAPABILITIES.tolerance;
    expectClose(tensor(Float32Array.from(outs), [4, 2, 8]), whole.output, tol, 'streamed output');
    const state = await stream.readState();
    expectClose(state.h, whole.state.h, tol, 'stream hN');
    expectClose(state.c, whole.state.c, tol, 'stream cN');
  });

  it(`model.stream: a chunk of more than ${STEP_KERNEL_MAX_STEPS} steps runs the forward's two dispatches per layer, and agrees`, async () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 3, hiddenSize: 8, numLayers: 2 });
    const T = STEP_KERNEL_MAX_STEPS + 1;
    const c = smoothCase(spec, T + 1, 2, 4);
    await using model = await backend.createModel(spec, c.params);
    await using stream = await model.stream({ batchSize: 2, initial: c.initial! });
    const x = c.input.data;
    const first = await stream.step(tensor(x.slice(0, 2 * 3), [2, 3]));
    expect(model.lastRunStats?.dispatches).toBe(spec.numLayers);
    const rest = await stream.step(tensor(x.slice(2 * 3), [T, 2, 3]));
    expect(model.lastRunStats?.dispatches).toBe(2 * spec.numLayers);
    const whole = await oracle(spec, c.params, c.input, c.initial);
    const got = tensor(Float32Array.from([...first.data, ...rest.data]), [T + 1, 2, 8]);
    expectClose(got, whole.output, WEBGPU_CAPABILITIES.tolerance, 'streamed output');
  });

  it("stream.decodeGreedy keeps head, argmax and feedback on the GPU: the host definition's tokens, one submit, one readback of the ids", async () => {
    const V = 28;
    const spec = defineSpec({ mode: 'gru', inputSize: V, hiddenSize: 32, numLayers: 2 });
    // The input weights scaled up so that each step's state follows the token fed in, and a random
    // head: the tokens wander over the vocabulary (14 distinct in 80) instead of settling on one.
    const init = initParams(spec, { seed: 6 });
    const w0 = init.weight_ih_l0!;
    const params = {
      ...init,
      weight_ih_l0: tensor(
        Float32Array.from(w0.data, (v) => 6 * v),
        w0.shape,
      ),
    };
    const rng = new SeededRandom(6);
    const head = {
      weight: tensor(
        Float32Array.from({ length: V * 32 }, () => rng.uniform(-3, 3)),
        [V, 32],
      ),
      bias: tensor(new Float32Array(V), [V]),
    };
    const steps = 40;
    await using model = await backend.createModel(spec, params);
    await using stream = await model.stream({ batchSize: 2 });
    const got = await stream.decodeGreedy(head, [3, 17], steps);
    expect(model.lastRunStats).toEqual({
      dispatches: steps * (spec.numLayers + 1),
      submits: 1,
      bytesRead: steps * 2 * 4,
      bytesWritten: expect.any(Number) as number,
    });
    // The definition: the float64 reference's stream decoding on the host, step by step.
    await using ref = await oracleBackend.createModel(spec, params);
    await using refStream = await ref.stream({ batchSize: 2 });
    const want = await refStream.decodeGreedy(head, [3, 17], steps);
    expect(Array.from(got)).toEqual(Array.from(want));
    // Not a fixed point: the text wanders over the vocabulary, so every feedback step matters.
    expect(new Set(got).size).toBeGreaterThan(4);
    // The state moved on by the same steps.
    expectClose((await stream.readState()).h, (await refStream.readState()).h, WEBGPU_CAPABILITIES.tolerance, 'hN');
    // A second block continues from there, as one longer call would.
    const more = await stream.decodeGreedy(head, [got[(steps - 1) * 2]!, got[(steps - 1) * 2 + 1]!], 8);
    expect(Array.from(more)).toEqual(
      Array.from(await refStream.decodeGreedy(head, [want[(steps - 1) * 2]!, want[(steps - 1) * 2 + 1]!], 8)),
    );
  });

  it(
    'the vec4 and scalar kernels, several unit blocks per thread and 1-4 rows per workgroup agree with the reference',
    { timeout: 300_000 },
    async () => {
      // H 132: 33 vec4 units over 32 threads (2 unit blocks), or 132 scalar units over 64 threads (3 blocks).
      const spec = defineSpec({
        mode: 'lstm',
        inputSize: 3,
        hiddenSize: 132,
        numLayers: 2,
        bidirectional: true,
        peepholes: true,
      });
      const c = smoothCase(spec, 3, 5, 2);
      const want = await oracle(spec, c.params, c.input, c.initial, [3, 1, 0, 2, 3]);
      for (const shape of [
        { threads: 32 },
        { threads: 64, vectorWidth: 1 as const },
        { rowsPerWorkgroup: 1 },
        { rowsPerWorkgroup: 2 },
      ]) {
        await using shaped = await createBackend({ device: backend.gpuDevice, kernelShape: shape });
        await using model = await shaped.createModel(spec, c.params);
        const got = await model.forward(c.input, c.initial, { lengths: [3, 1, 0, 2, 3] });
        for (const [name, g, w] of [
          ['output', got.output, want.output],
          ['hN', got.state.h, want.state.h],
          ['cN', got.state.c, want.state.c],
        ] as const) {
          expectClose(g, w, WEBGPU_CAPABILITIES.tolerance, `${JSON.stringify(shape)} ${name}`);
        }
      }
      // A shared device outlives the backends made on it.
      await using again = await backend.createModel(spec, c.params);
      await expect(again.forward(c.input, c.initial)).resolves.toBeDefined();
    },
  );

  it('overlapping forward calls give the results of sequential ones', async () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 4 });
    await using model = await backend.createModel(spec, initParams(spec, { seed: 4 }));
    const a = smoothCase(spec, 4, 3, 5).input;
    const b = smoothCase(spec, 2, 1, 6).input;
    const [ra, rb] = await Promise.all([model.forward(a), model.forward(b)]);
    expect((await model.forward(a)).output.data).toEqual(ra.output.data);
    expect((await model.forward(b)).output.data).toEqual(rb.output.data);
  });

  it(
    'takes more projection rows than one dispatch dimension holds (T*B > 65535 * 8) in turns',
    { timeout: 300_000 },
    async () => {
      const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: 1 });
      const c = smoothCase(spec, 9, 60_000, 7);
      await using model = await backend.createModel(spec, c.params);
      const got = await model.forward(c.input, c.initial);
      const want = await oracle(spec, c.params, c.input, c.initial);
      expectClose(got.output, want.output, WEBGPU_CAPABILITIES.tolerance, 'output');
      expectClose(got.state.h, want.state.h, WEBGPU_CAPABILITIES.tolerance, 'hN');
    },
  );

  it('rejects bad input with ShapeError and a spec over the limits with UnsupportedError', async () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3 });
    await using model = await backend.createModel(spec, initParams(spec));
    await expect(
      model.forward(smoothCase(defineSpec({ mode: 'rnn_tanh', inputSize: 3, hiddenSize: 3 }), 2, 1, 0).input),
    ).rejects.toBeInstanceOf(ShapeError);
    const wide = defineSpec({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: 2049 });
    await expect(backend.createModel(wide, {})).rejects.toBeInstanceOf(UnsupportedError);
  });
});
