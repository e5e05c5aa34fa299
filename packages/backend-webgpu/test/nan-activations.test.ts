import type { Activation } from '@deeprnn/core';
import { afterAll, expect, it } from 'vitest';
import { WGSL_MATH } from '../src/kernels/wgsl-math.js';
import { activationExpr } from '../src/kernels/activation-table.js';
import { activationPairWgsl, TRAIN_MATH } from '../src/train/train-activations.js';
import { readWords, storageWith } from '../src/train/device-io.js';
import { describeOnAdapter, probeBackend } from './adapter.js';

// SwiftShader (Chromium's software WebGPU) returns +Inf for exp(NaN); lavapipe returns NaN, so the
// kernels' activation code runs here with every exp replaced by one that behaves like SwiftShader's.
// An activation of NaN must still be NaN (as in the reference and PyTorch), whatever exp(NaN) is.
const probe = await probeBackend();
// +Inf comes from the input buffer (WGSL refuses a constant expression that evaluates to it); NaN is
// found in the bits, since compilers may fold `x != x` to false.
const INF_ON_NAN_EXP = `fn ss_exp(x: VT) -> VT {
  let isNan = (bitcast<UT>(x) & UT(0x7fffffffu)) > UT(0x7f800000u);
  return select(exp(x), VT(inf[0]), isNan);
}`;
const swiftShaderExp = (code: string): string => code.replaceAll('exp(', 'ss_exp(');
const INPUTS = [Number.NaN, 1, -1, 0, 30, -30, 0.5, -0.5];
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const elu = (x: number): number => (x >= 0 ? x : Math.exp(x) - 1);
const CASES: { readonly act: Activation; readonly f: (x: number) => number; readonly slope: (x: number) => number }[] =
  [
    { act: { name: 'Softplus' }, f: softplus, slope: (x) => 1 / (1 + Math.exp(-x)) },
    { act: { name: 'Elu', alpha: 1 }, f: elu, slope: (x) => (x > 0 ? 1 : Math.exp(x)) },
  ];

/** Runs `body(x)` (WGSL of type VT, `x` the input) over INPUTS on the device and returns the outputs. */
async function evaluate(device: GPUDevice, header: string, body: string, V: 1 | 4): Promise<Float32Array> {
  const code = `alias VT = ${V === 4 ? 'vec4<f32>' : 'f32'};
alias UT = ${V === 4 ? 'vec4<u32>' : 'u32'};
@group(0) @binding(0) var<storage, read> xs: array<VT>;
@group(0) @binding(1) var<storage, read_write> ys: array<VT>;
@group(0) @binding(2) var<storage, read> inf: array<f32>;
${INF_ON_NAN_EXP}
${swiftShaderExp(header)}
@compute @workgroup_size(1)
fn main() {
  for (var i = 0u; i < ${INPUTS.length / V}u; i++) { let x = xs[i]; ys[i] = ${swiftShaderExp(body)}; }
}`;
  const pipeline = await device.createComputePipelineAsync({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
  });
  const xs = storageWith(device, Float32Array.from(INPUTS));
  const ys = storageWith(device, new Float32Array(INPUTS.length));
  const inf = storageWith(device, Float32Array.of(Number.POSITIVE_INFINITY));
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [xs, ys, inf].map((buffer, binding) => ({ binding, resource: { buffer } })),
    }),
  );
  pass.dispatchWorkgroups(1);
  pass.end();
  device.queue.submit([encoder.finish()]);
  const [out] = await readWords(device, [{ buffer: ys, words: INPUTS.length }]);
  for (const b of [xs, ys, inf]) b.destroy();
  return out!;
}

function expectValues(got: Float32Array, want: (x: number) => number, what: string): void {
  INPUTS.forEach((x, i) => {
    const w = want(x);
    if (Number.isNaN(w)) expect(got[i], `${what}(${x})`).toBeNaN();
    else
      expect(Math.abs(got[i]! - w), `${what}(${x}) = ${got[i]}, want ${w}`).toBeLessThanOrEqual(
        1e-5 + 1e-5 * Math.abs(w),
      );
  });
}

describeOnAdapter('activations keep NaN when exp(NaN) is +Inf (SwiftShader)', probe, (backend) => {
  afterAll(async () => {
    await backend.dispose();
  });

  for (const { act, f, slope } of CASES) {
    for (const V of [1, 4] as const) {
      it(`forward kernels: ${act.name} (${V === 4 ? 'vec4' : 'f32'})`, async () => {
        const got = await evaluate(backend.gpuDevice, WGSL_MATH, activationExpr(act, 'x'), V);
        expectValues(got, f, act.name);
      });
    }
    it(`training kernels: ${act.name} and its slope from the output`, async () => {
      const header = `${TRAIN_MATH}${activationPairWgsl('act', act, act)}`;
      expectValues(await evaluate(backend.gpuDevice, header, 'act(x, 0u)', 1), f, act.name);
      // The slope is read from the activation's output: NaN in, NaN out.
      expectValues(await evaluate(backend.gpuDevice, header, 'dact(act(x, 0u), 0u)', 1), slope, `d${act.name}`);
    });
  }
});
