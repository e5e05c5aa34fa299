import {
  BackendDisposedError,
  type CarriedState,
  DeviceError,
  type RnnSpec,
  type RnnTrainer,
  type TrainerInit,
  createReferenceBackend,
  defineSpec,
  initParams,
  tensor,
} from '@deeprnn/core';
import { afterAll, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';
import { describeOnAdapter, probeBackend } from './adapter.js';
import { expectClose } from './helpers.js';

// What a call means when calls overlap or the caller moves on: the trainer's carried state (against
// the reference trainer's behaviour), a dispose or lost device during a call, and arrays mutated
// after the call was made.
const probe = await probeBackend();
const reference = createReferenceBackend({ dtype: 'float64' });
const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3 });
const B = 2;
const batch = (T: number, k: number) => ({
  input: tensor(
    Float32Array.from({ length: T * B * 2 }, (_, i) => Math.sin(i * 0.9 + k)),
    [T, B, 2],
  ),
  gradOutput: tensor(
    Float32Array.from({ length: T * B * 3 }, (_, i) => Math.cos(i * 0.4 + k)),
    [T, B, 3],
  ),
});
const init = (s: RnnSpec): TrainerInit => ({
  params: { rnn: initParams(s, { seed: 3 }), head: null },
  optimizer: { name: 'sgd', lr: 0.5 },
  gradClipNorm: null,
});

describeOnAdapter('webgpu call semantics', probe, (gpu) => {
  afterAll(() => gpu.dispose());

  it('two steps issued together with the same carried state: the second is refused, as the reference trainer refuses it', async () => {
    for (const trainer of [
      await reference.createTrainer!(spec, init(spec)),
      await gpu.createTrainer(spec, init(spec)),
    ] as RnnTrainer[]) {
      const first = await trainer.step(batch(4, 0));
      const a = trainer.step({ ...batch(4, 1), initial: first.state });
      const b = trainer.step({ ...batch(4, 2), initial: first.state });
      await expect(b).rejects.toThrow(BackendDisposedError);
      await expect(b).rejects.toThrow(/no longer holds/);
      const second = await a;
      // The state the first of the two made is the one to carry on from.
      await expect(trainer.step({ ...batch(4, 3), initial: second.state })).resolves.toBeDefined();
      await trainer.dispose();
    }
  });

  it('carries the state into a step with another T, agreeing with the reference trainer', async () => {
    const run = async (trainer: RnnTrainer): Promise<{ losses: number[]; h: ReturnType<typeof tensor> }> => {
      const losses: number[] = [];
      let state: CarriedState | undefined;
      for (const [k, T] of [5, 3, 3, 6].entries()) {
        const r = await trainer.step({ ...batch(T, k), ...(state ? { initial: state } : {}) });
        losses.push(r.loss);
        state = r.state;
      }
      const { h } = await state!.read();
      await trainer.dispose();
      return { losses, h };
    };
    const want = await run(await reference.createTrainer!(spec, init(spec)));
    const got = await run(await gpu.createTrainer(spec, init(spec)));
    for (const [k, loss] of want.losses.entries())
      expect(Math.abs(got.losses[k]! - loss), `step ${k}`).toBeLessThan(1e-4 * (1 + Math.abs(loss)));
    expectClose(got.h, want.h, { rtol: 1e-3, atol: 1e-4 }, 'final h');
  });

  it('forward copies input, initial state and lengths when called: later mutation does not change the result', async () => {
    await using model = await gpu.createModel(spec, initParams(spec, { seed: 5 }));
    const { input } = batch(4, 7);
    const initial = { h: tensor(new Float32Array(B * 3).fill(0.25), [1, B, 3]) };
    const lengths = [4, 2];
    const want = await model.forward(input, initial, { lengths });
    const pending = model.forward(input, initial, { lengths });
    input.data.fill(9);
    initial.h.data.fill(-9);
    lengths[1] = 4;
    const got = await pending;
    expectClose(got.output, want.output, { rtol: 0, atol: 0 }, 'output');
    expectClose(got.state.h, want.state.h, { rtol: 0, atol: 0 }, 'h');
  });

  it('a dispose during a forward or a trainer step is BackendDisposedError saying so, not a bare AbortError', async () => {
    const own = await createBackend();
    const model = await own.createModel(spec, initParams(spec, { seed: 5 }));
    const trainer = await own.createTrainer(spec, init(spec));
    const forward = model.forward(batch(4, 0).input);
    const step = trainer.step(batch(4, 0));
    await own.dispose();
    for (const call of [forward, step] as Promise<unknown>[]) {
      const error = await call.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BackendDisposedError);
      expect((error as Error).message).toMatch(/disposed while the call ran/);
    }
  });

  it('a device lost during (or before) a forward is DeviceError naming the loss', async () => {
    const own = await createBackend();
    const model = await own.createModel(spec, initParams(spec, { seed: 5 }));
    const during = model.forward(batch(4, 0).input);
    own.gpuDevice.destroy();
    const after = model.forward(batch(4, 0).input);
    for (const call of [during, after]) {
      const error = await call.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DeviceError);
      expect((error as Error).message).toMatch(
        /^webgpu forward: the WebGPU device was lost while the call ran \(destroyed/,
      );
    }
    await own.dispose();
  });
});
