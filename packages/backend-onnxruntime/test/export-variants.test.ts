import {
  type RnnConfig,
  SeededRandom,
  type Tensor,
  compareTensors,
  createReferenceBackend,
  defineSpec,
  initParams,
  tensor,
} from '@deeprnn/core';
import { EXPORT_OPSETS, type OnnxLowering, exportOnnx } from '@deeprnn/onnx';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';

/** Exported files as a user gets them (every opset, with and without the optional inputs) run in plain ORT. */
const CONFIGS: readonly RnnConfig[] = [
  { mode: 'rnn_relu', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, batchFirst: true },
  { mode: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 3, tiedLayers: true, linearBeforeReset: false, clip: 1 },
  { mode: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, projSize: 2, bidirectional: true, peepholes: true },
  {
    mode: 'lstm',
    inputSize: 2,
    hiddenSize: 3,
    inputForget: true,
    activations: [{ name: 'HardSigmoid' }, { name: 'Elu', alpha: 0.7 }, { name: 'Softsign' }],
  },
];

function random(rng: SeededRandom, shape: number[]): Tensor {
  return tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)),
    shape,
  );
}

describe('exported models run in onnxruntime-node and match the float64 reference', () => {
  const oracle = createReferenceBackend({ dtype: 'float64' });
  it.each(CONFIGS.map((c, i) => [i, c] as const))('config %i, all opsets and optional inputs', async (i, config) => {
    const spec = defineSpec(config);
    const params = initParams(spec, { seed: i });
    const rng = new SeededRandom(i);
    const [T, B] = [4, 3];
    const D = spec.bidirectional ? 2 : 1;
    const Hout = spec.projSize || spec.hiddenSize;
    const x = random(rng, spec.batchFirst ? [B, T, spec.inputSize] : [T, B, spec.inputSize]);
    const h = random(rng, [spec.numLayers * D, B, Hout]);
    const c = random(rng, [spec.numLayers * D, B, spec.hiddenSize]);
    const lengths = [4, 0, 2];
    const lowerings: OnnxLowering[] = spec.projSize > 0 ? ['loop'] : ['node', 'loop'];
    for (const lowering of lowerings)
      for (const opset of EXPORT_OPSETS)
        for (const withState of [false, true])
          for (const withLengths of [false, true]) {
            const session = await InferenceSession.create(
              exportOnnx(spec, params, { lowering, opset, initialState: withState, sequenceLengths: withLengths }),
            );
            const feeds: Record<string, OrtTensor> = {
              input: new OrtTensor('float32', x.data as Float32Array, [...x.shape]),
            };
            if (withState) {
              feeds.h0 = new OrtTensor('float32', h.data as Float32Array, [...h.shape]);
              if (spec.mode === 'lstm') feeds.c0 = new OrtTensor('float32', c.data as Float32Array, [...c.shape]);
            }
            if (withLengths) feeds.sequence_lens = new OrtTensor('int32', Int32Array.from(lengths), [B]);
            const got = await session.run(feeds);
            await session.release();
            const initial = withState ? (spec.mode === 'lstm' ? { h, c } : { h }) : undefined;
            const want = await (
              await oracle.createModel(spec, params)
            ).forward(x, initial, withLengths ? { lengths } : {});
            const where = `${lowering} opset ${opset} state ${withState} lengths ${withLengths}`;
            const asTensor = (name: string): Tensor =>
              tensor(got[name]!.data as Float32Array, got[name]!.dims as number[]);
            expect(compareTensors(asTensor('output'), want.output).pass, `${where}: output`).toBe(true);
            // ORT's own nodes zero the final state of a length-0 row (the backend patches it); compare the rest.
            const skipRow = withLengths && lowering === 'node' ? 1 : -1;
            for (const [name, w] of [
              ['hN', want.state.h],
              ['cN', want.state.c],
            ] as const) {
              if (w === undefined) continue;
              const g = asTensor(name);
              const F = w.shape[2] as number;
              for (let r = 0; r < (w.shape[0] as number); r++)
                for (let b = 0; b < B; b++) {
                  if (b === skipRow) continue;
                  for (let f = 0; f < F; f++) {
                    const k = (r * B + b) * F + f;
                    expect(
                      Math.abs((g.data[k] as number) - (w.data[k] as number)),
                      `${where}: ${name}[${r},${b},${f}]`,
                    ).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(w.data[k] as number));
                  }
                }
            }
          }
  });
});
