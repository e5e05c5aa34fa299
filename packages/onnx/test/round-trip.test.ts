import { type RnnParams, type RnnSpec, defineSpec, initParams, specToConfig } from '@deeprnn/core';
import fc from 'fast-check';
import protoPackage from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { EXPORT_OPSETS, chooseLowering, exportOnnx, importOnnx } from '../src/index.js';
import { configArb } from './helpers.js';

function bits(params: RnnParams): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(params).map(([k, t]) => [k, [...t.shape, ...new Uint32Array(Float32Array.from(t.data).buffer)]]),
  );
}

function withoutMetadata(bytes: Uint8Array): Uint8Array {
  const { onnx } = protoPackage;
  const model = onnx.ModelProto.decode(bytes);
  model.metadataProps = [];
  return onnx.ModelProto.encode(model).finish();
}

const loweringArb = fc.constantFrom('auto', 'node', 'loop') as fc.Arbitrary<'auto' | 'node' | 'loop'>;

describe('export -> import round trip', () => {
  it('gives back the same spec and bit-identical params for any config', () => {
    fc.assert(
      fc.property(
        configArb,
        loweringArb,
        fc.constantFrom(...EXPORT_OPSETS),
        fc.boolean(),
        fc.boolean(),
        (config, lowering, opset, withState, withLengths) => {
          const spec = defineSpec(config);
          const params = initParams(spec, { seed: 7 });
          // Node lowering only where the ONNX operators can express the spec (no projSize, no Selu).
          const chosen = lowering === 'node' && chooseLowering(spec) === 'loop' ? 'auto' : lowering;
          const bytes = exportOnnx(spec, params, {
            lowering: chosen,
            opset,
            initialState: withState,
            sequenceLengths: withLengths,
          });
          const back = importOnnx(bytes);
          expect(specToConfig(back.spec)).toEqual(specToConfig(spec));
          expect(bits(back.params)).toEqual(bits(params));
          expect(back.opset).toBe(opset);
          expect(back.specSource).toBe('metadata');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads the same spec off the graph alone (node lowering, metadata removed)', () => {
    fc.assert(
      fc.property(configArb, (config) => {
        const spec = defineSpec({ ...config, dropout: 0, projSize: 0 });
        fc.pre(chooseLowering(spec) === 'node'); // no Selu: the operators cannot hold it
        const params = initParams(spec, { seed: 3 });
        const back = importOnnx(withoutMetadata(exportOnnx(spec, params, { lowering: 'node' })));
        expect(back.specSource).toBe('graph');
        // A graph shows tied layers only from three layers up (with two, nothing is shared), and an RNN
        // node is rnn_relu exactly when its activation is Relu.
        const isRnn = spec.mode === 'rnn_tanh' || spec.mode === 'rnn_relu';
        const want: RnnSpec = defineSpec({
          ...specToConfig(spec),
          tiedLayers: spec.tiedLayers && spec.numLayers >= 3,
          ...(isRnn
            ? { mode: spec.activations[0]?.name === 'Relu' ? 'rnn_relu' : 'rnn_tanh', activations: spec.activations }
            : {}),
          ...(spec.bidirectional ? { reverseActivations: spec.reverseActivations } : {}),
        });
        expect(specToConfig(back.spec)).toEqual(specToConfig(want));
        for (const [k, t] of Object.entries(back.params))
          expect(Array.from(t.data)).toEqual(Array.from(params[k]?.data ?? []));
      }),
      { numRuns: 200 },
    );
  });

  it('rounds float64 parameters to float32', () => {
    const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3 });
    const params = initParams(spec, { seed: 1, dtype: 'float64' });
    const back = importOnnx(exportOnnx(spec, params));
    for (const [k, t] of Object.entries(back.params)) expect(t.data).toEqual(Float32Array.from(params[k]?.data ?? []));
  });
});
