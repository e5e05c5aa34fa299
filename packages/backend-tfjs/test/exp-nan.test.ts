// NaN in, NaN out for the exp-based activations on an engine whose exp(NaN) is a number. Chromium's
// SwiftShader WebGPU adapter computes exp(NaN) = +Inf (WGSL allows it), so tfjs's webgpu softplus(NaN)
// was Inf and sigmoid(NaN) 0: rnn_tanh with Softplus and clip 1 gave Infinity for a NaN input. Node has
// no such adapter (lavapipe keeps NaN), so this file mimics one: tfjs's cpu kernels with Exp, Expm1,
// Sigmoid, Softplus and the product's fused sigmoid computed the SwiftShader way. The browser lane
// (apps/browser-tests/browser/tfjs-non-finite.test.ts) runs the same cases on the real adapter.
import '@tensorflow/tfjs-backend-cpu';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activationOp, clipOp } from '../src/activation-ops.js';
import { ensureGradients } from '../src/autograd.js';
import { gateOp } from '../src/gate-op.js';
import { opPolicyFor } from '../src/op-policy.js';

const LOSSY = 'nan-lossy-exp';

/** SwiftShader's answers for a NaN argument; other values as the cpu kernel computes them. */
const NAN_TO: Readonly<Record<string, number>> = { Exp: Infinity, Expm1: Infinity, Softplus: Infinity, Sigmoid: 0 };

function lossyValues(backend: MathBackendCPU, info: tf.TensorInfo, exact: tf.TensorInfo, nanTo: number): tf.TensorInfo {
  const x = backend.readSync(info.dataId) as Float32Array;
  const y = Float32Array.from(backend.readSync(exact.dataId) as Float32Array, (v, i) =>
    Number.isNaN(x[i]) ? nanTo : v,
  );
  backend.disposeIntermediateTensorInfo(exact);
  return backend.makeTensorInfo(exact.shape, 'float32', y);
}

function registerLossyBackend(): void {
  tf.registerBackend(LOSSY, () => new MathBackendCPU());
  for (const k of tf.getKernelsForBackend('cpu')) {
    const nanTo = NAN_TO[k.kernelName];
    let kernelFunc = k.kernelFunc;
    if (nanTo !== undefined) {
      kernelFunc = (args) => {
        const exact = k.kernelFunc(args) as tf.TensorInfo;
        return lossyValues(args.backend as MathBackendCPU, args.inputs.x as tf.TensorInfo, exact, nanTo);
      };
    } else if (k.kernelName === '_FusedMatMul') {
      // The fused sigmoid reads the product, not an input: run the product plain and apply Sigmoid's rule.
      kernelFunc = (args) => {
        if (args.attrs?.activation !== 'sigmoid') return k.kernelFunc(args);
        const backend = args.backend as MathBackendCPU;
        const pre = k.kernelFunc({ ...args, attrs: { ...args.attrs, activation: 'linear' } }) as tf.TensorInfo;
        const sig = tf
          .getKernel('Sigmoid', 'cpu')
          ?.kernelFunc({ inputs: { x: pre }, backend, attrs: {} }) as tf.TensorInfo;
        const out = lossyValues(backend, pre, sig, 0);
        backend.disposeIntermediateTensorInfo(pre);
        return out;
      };
    }
    tf.registerKernel({ ...k, backendName: LOSSY, kernelFunc });
  }
}

const values = async (t: tf.Tensor): Promise<number[]> => Array.from(await t.data());
const INPUT = [NaN, -Infinity, Infinity, 0.5];

describe('exp-based activations on an engine whose exp(NaN) is +Inf (SwiftShader)', () => {
  beforeAll(async () => {
    registerLossyBackend();
    expect(await tf.setBackend(LOSSY)).toBe(true);
  });
  afterAll(() => {
    tf.removeBackend(LOSSY);
  });

  it('the mimic reproduces the engine: unguarded softplus(NaN) is Infinity and sigmoid(NaN) 0', async () => {
    const x = tf.tensor1d([NaN]);
    expect(await values(tf.softplus(x))).toEqual([Infinity]);
    expect(await values(tf.sigmoid(x))).toEqual([0]);
  });

  it('the webgpu policy treats exp as NaN-lossy; the others do not', () => {
    expect(opPolicyFor('webgpu').isExpNanSafe).toBe(false);
    for (const engine of ['wasm', 'cpu', 'tfjs-node', 'tfjs-node-gpu'] as const)
      expect(opPolicyFor(engine).isExpNanSafe).toBe(true);
  });

  it('rnn_tanh Softplus with clip 1 (the replayed case): NaN in, NaN out', async () => {
    const policy = opPolicyFor('webgpu');
    const y = activationOp({ name: 'Softplus' }, policy)(clipOp(1)(tf.tensor1d(INPUT)));
    const got = await values(y);
    expect(got[0]).toBeNaN();
    expect(got.slice(1)).toEqual([
      expect.closeTo(Math.log1p(Math.exp(-1)), 6),
      expect.closeTo(Math.log1p(Math.E), 6),
      expect.closeTo(Math.log1p(Math.exp(0.5)), 6),
    ]);
  });

  for (const [name, atInf] of [
    ['Sigmoid', [0, 1]],
    ['Softplus', [0, Infinity]],
    ['Elu', [-1, Infinity]],
  ] as const) {
    it(`${name}: NaN stays NaN, infinities keep their limits`, async () => {
      const got = await values(activationOp({ name, alpha: 1 }, opPolicyFor('webgpu'))(tf.tensor1d(INPUT)));
      expect(got[0]).toBeNaN();
      expect(got.slice(1, 3)).toEqual(atInf);
    });
  }

  it('a sigmoid gate without clip is not fused on webgpu, so NaN reaches the output', async () => {
    const g = gateOp({ name: 'Sigmoid' }, null, opPolicyFor('webgpu'));
    const w = { w: tf.tensor2d([[1], [1]]), b: tf.tensor1d([0.1]), isTanhFolded: false, training: null };
    const got = await values(
      g(
        tf.tensor2d([
          [NaN, 0.5],
          [0.25, 0.5],
        ]),
        w,
      ),
    );
    expect(got[0]).toBeNaN();
    expect(got[1]).toBeCloseTo(1 / (1 + Math.exp(-0.85)), 6);
    // The fused form on this engine loses the NaN: what the webgpu policy avoids.
    const fused = await values(gateOp({ name: 'Sigmoid' }, null, opPolicyFor('cpu'))(tf.tensor2d([[NaN, 0.5]]), w));
    expect(fused).toEqual([0]);
  });

  it('the guard leaves gradients of finite inputs alone', async () => {
    await ensureGradients();
    const softplus = activationOp({ name: 'Softplus' }, opPolicyFor('webgpu'));
    const dx = await values(tf.grad((x: tf.Tensor) => tf.sum(softplus(x)))(tf.tensor1d([-2, 0, 3])));
    [-2, 0, 3].forEach((x, i) => expect(dx[i]).toBeCloseTo(1 / (1 + Math.exp(-x)), 6));
  });
});
