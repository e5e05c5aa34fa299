import {
  BackendInitError,
  ConfigError,
  ParameterError,
  type RnnConfig,
  type RnnParams,
  createReferenceBackend,
  defineSpec,
  fromArray,
  roundParamsToFloat16,
  tensor,
} from '@deeprnn/core';
import { afterAll, expect, it } from 'vitest';
import { type WebgpuBackend, WEBGPU_CAPABILITIES, createBackend } from '../src/index.js';
import { describeOnAdapter } from './adapter.js';
import { expectClose, oracle, smoothCase } from './helpers.js';

// weightStorage 'float16' (shader-f16; lavapipe offers it): the kernels read every weight as a half
// and compute in float32, so the model must answer exactly what the float64 reference answers on the
// weights rounded to float16, within the float32 tolerance. What the rounding itself costs against
// the unrounded weights is measured below and printed.
const probe: WebgpuBackend | Error = await createBackend({ weightStorage: 'float16' }).catch((e: unknown) =>
  e instanceof Error ? e : new Error(String(e)),
);
const TOL = WEBGPU_CAPABILITIES.tolerance;

// Each spec reads a different kind of weight through the float16 path: vec4 and scalar units,
// GRU's b_hn, the reset-before second phase, peepholes and the LSTM projection W_hr.
const CASES: Record<string, RnnConfig> = {
  'gru vec4': { mode: 'gru', inputSize: 5, hiddenSize: 8, numLayers: 2 },
  'rnn_relu scalar units': { mode: 'rnn_relu', inputSize: 3, hiddenSize: 5 },
  'gru reset-before, bidirectional': {
    mode: 'gru',
    inputSize: 4,
    hiddenSize: 8,
    linearBeforeReset: false,
    bidirectional: true,
  },
  'lstm projection, peepholes': {
    mode: 'lstm',
    inputSize: 4,
    hiddenSize: 8,
    projSize: 4,
    peepholes: true,
    numLayers: 2,
  },
};

function scaledWeight(params: RnnParams, name: string, index: number, value: number): RnnParams {
  const data = Float32Array.from(params[name]!.data);
  data[index] = value;
  return { ...params, [name]: tensor(data, params[name]!.shape) };
}

describeOnAdapter('float16 weight storage', probe, (backend) => {
  afterAll(async () => {
    await backend.dispose();
  });

  it('says so in its device string and capabilities', () => {
    expect(backend.device).toMatch(/^webgpu \(.+, float16 weights\)$/);
    expect(backend.capabilities.weightStorage).toBe('float16');
    expect(backend.capabilities.tolerance).toEqual(TOL);
  });

  for (const [name, config] of Object.entries(CASES)) {
    it(`${name}: equals the float64 reference on the weights rounded to float16`, async () => {
      const spec = defineSpec(config);
      const { params, input, initial } = smoothCase(spec, 6, 3, 7);
      await using model = await backend.createModel(spec, params);
      const got = await model.forward(input, initial);
      const want = await oracle(spec, roundParamsToFloat16(params, 'test'), input, initial);
      expectClose(got.output, want.output, TOL, 'output');
      expectClose(got.state.h, want.state.h, TOL, 'h');
      if (want.state.c) expectClose(got.state.c, want.state.c, TOL, 'c');
      // The weights are really halves: against the unrounded weights the answer moves by more than float32 noise.
      const unrounded = await oracle(spec, params, input, initial);
      const moved = got.output.data.some((v, i) => Math.abs(v - unrounded.output.data[i]!) > 1e-5);
      expect(moved, 'the float16 model differs from the float32 weights somewhere').toBe(true);
    });
  }

  it('d2l sizes (3-layer GRU, H 256, T 35): the cost of rounding against the unrounded weights, measured', async () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 28, hiddenSize: 256, numLayers: 3 });
    const { params, input, initial } = smoothCase(spec, 35, 4, 3);
    await using model = await backend.createModel(spec, params);
    const got = await model.forward(input, initial);
    const exact = await oracle(spec, roundParamsToFloat16(params, 'test'), input, initial);
    expectClose(got.output, exact.output, TOL, 'output vs rounded weights');
    const unrounded = await oracle(spec, params, input, initial);
    let worst = 0;
    for (let i = 0; i < got.output.data.length; i++) {
      worst = Math.max(worst, Math.abs(got.output.data[i]! - unrounded.output.data[i]!));
    }
    console.log(`float16 weights, d2l GRU: largest |output - float64 on float32 weights| = ${worst.toExponential(2)}`);
    // Outputs lie in (-1, 1); half rounding moves each weight by at most 2^-11 of itself.
    expect(worst).toBeLessThan(1e-2);
  });

  it('state and streaming agree: a stream of one-step calls equals one forward', async () => {
    const spec = defineSpec(CASES['lstm projection, peepholes']!);
    const { params, input } = smoothCase(spec, 5, 2, 11);
    await using model = await backend.createModel(spec, params);
    const whole = await model.forward(input);
    await using stream = await model.stream({ batchSize: 2 });
    const steps: number[] = [];
    for (let t = 0; t < 5; t++) {
      const x = tensor(input.data.slice(t * 2 * 4, (t + 1) * 2 * 4), [2, 4]);
      steps.push(...(await stream.step(x)).data);
    }
    expectClose(tensor(Float32Array.from(steps), whole.output.shape), whole.output, TOL, 'streamed output');
  });

  it('gradients differentiate the rounded model (the reference on the rounded weights)', async () => {
    const spec = defineSpec(CASES['gru vec4']!);
    const { params, input, initial } = smoothCase(spec, 4, 2, 5);
    await using model = await backend.createModel(spec, params);
    const gradOutput = {
      output: tensor(
        Float32Array.from({ length: 4 * 2 * 8 }, (_, i) => Math.cos(i)),
        [4, 2, 8],
      ),
    };
    const got = await model.gradients!(input, initial, gradOutput);
    const reference = createReferenceBackend({ dtype: 'float64' });
    await using exact = await reference.createModel(spec, roundParamsToFloat16(params, 'test'));
    const want = await exact.gradients!(input, initial, gradOutput);
    for (const [key, g] of Object.entries(want.params)) {
      expectClose(got.params[key], g, { rtol: 2e-3, atol: 2e-4 }, `d ${key}`);
    }
  });

  it('refuses a weight float16 cannot hold (at and above 65520), naming it; keeps 65504 and 65519', async () => {
    const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 1, hiddenSize: 1 });
    const params = {
      weight_ih_l0: fromArray([0.5], [1, 1]),
      weight_hh_l0: fromArray([0], [1, 1]),
      bias_ih_l0: fromArray([0], [1]),
      bias_hh_l0: fromArray([0], [1]),
    };
    for (const held of [65504, 65519]) {
      await using model = await backend.createModel(spec, scaledWeight(params, 'weight_ih_l0', 0, held));
      const { output } = await model.forward(fromArray([1e-4], [1, 1, 1]));
      expect(output.data[0]).toBeCloseTo(Math.tanh(65504e-4), 5);
    }
    for (const refused of [65520, -1e6]) {
      await expect(backend.createModel(spec, scaledWeight(params, 'weight_ih_l0', 0, refused))).rejects.toThrow(
        ParameterError,
      );
      await expect(backend.createModel(spec, scaledWeight(params, 'weight_ih_l0', 0, refused))).rejects.toThrow(
        /parameter 'weight_ih_l0' element 0 is .* beyond float16's finite range/,
      );
    }
  });

  it('refuses a passed device without shader-f16, and an unknown storage name', async () => {
    // A float32 backend's device is requested with no features.
    await using plain = await createBackend();
    expect(plain.gpuDevice.features.has('shader-f16')).toBe(false);
    await expect(createBackend({ device: plain.gpuDevice, weightStorage: 'float16' })).rejects.toThrow(
      BackendInitError,
    );
    await expect(createBackend({ device: plain.gpuDevice, weightStorage: 'float16' })).rejects.toThrow(
      /weightStorage 'float16' needs the WebGPU feature 'shader-f16', which the device passed/,
    );
    await expect(createBackend({ weightStorage: 'bfloat16' as 'float16' })).rejects.toThrow(ConfigError);
  });
});
