import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { FormatError, type Tensor, createReferenceBackend, tensor } from '@deeprnn/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { importKerasFile, predictKeras } from '../src/index.js';
import { readKerasModel } from '../src/node.js';
import { tfjsPredict } from './tfjs-oracle.js';

// Built by tools/golden/gen_keras.py with h5py in Keras' saving layouts; outputs from numpy Keras equations.
const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/keras');
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
  models: { name: string; file: string; expected: string; tfjs: string | null }[];
};

interface Expected {
  readonly input: { shape: number[]; data: number[] };
  readonly output: { shape: number[]; data: number[] };
}

function maxDiff(got: Tensor, want: { shape: number[]; data: number[] }): number {
  expect(got.shape).toEqual(want.shape);
  return want.data.reduce((m, w, i) => Math.max(m, Math.abs((got.data[i] as number) - w)), 0);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Keras files (.h5 from Keras 2, .keras from Keras 3)', () => {
  it('finds the four fixtures', () => expect(index.models).toHaveLength(4));

  it.each(index.models.map((m) => [m.name, m] as const))(
    '%s imports and predicts what Keras computes',
    async (_name, m) => {
      const expected = JSON.parse(readFileSync(join(dir, m.expected), 'utf8')) as Expected;
      const imported = importKerasFile(new Uint8Array(readFileSync(join(dir, m.file))));
      const backend = createReferenceBackend({ dtype: 'float64' });
      await using model = await backend.createModel(imported.spec, imported.params);
      const x = tensor(Float64Array.from(expected.input.data), expected.input.shape);
      expect(maxDiff(await predictKeras(model, imported, x), expected.output)).toBeLessThan(1e-6);
    },
  );

  it.each(index.models.filter((m) => m.tfjs !== null).map((m) => [m.name, m] as const))(
    '%s: tfjs-layers loading the same weights predicts the same',
    async (_name, m) => {
      const expected = JSON.parse(readFileSync(join(dir, m.expected), 'utf8')) as Expected;
      const json = JSON.parse(readFileSync(join(dir, m.tfjs as string), 'utf8')) as tf.io.ModelJSON;
      const bin = readFileSync(join(dir, dirname(m.tfjs as string), 'weights.bin'));
      const model = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0]!.weights,
          weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
        }),
      );
      const got = await tfjsPredict(model, tensor(Float32Array.from(expected.input.data), expected.input.shape));
      expect(maxDiff(got, expected.output)).toBeLessThan(2e-5);
      model.dispose();
      // And the .h5 through the Node entry agrees with the tfjs-layers twin, file for file.
      const viaH5 = await readKerasModel(join(dir, m.file));
      const viaJson = await readKerasModel(join(dir, m.tfjs as string));
      expect(viaJson.spec).toEqual(viaH5.spec);
      for (const [k, t] of Object.entries(viaH5.params)) expect(viaJson.params[k]!.data).toEqual(t.data);
    },
  );

  it('Keras 3 files take hard_sigmoid = x/6 + 1/2 from metadata.json', () => {
    const imported = importKerasFile(new Uint8Array(readFileSync(join(dir, 'keras3_bidir_gru_reset_after.keras'))));
    expect(imported.spec.activations[0]).toEqual({ name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 });
    expect(imported.kerasVersion).toBe('3.3.3');
  });

  it('refuses bytes that are neither a zip nor HDF5 with FormatError', () => {
    expect(() => importKerasFile(new TextEncoder().encode('{"modelTopology": {}}'))).toThrow(FormatError);
    expect(() => importKerasFile(Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 1, 2))).toThrow(/not a readable zip/);
  });
});
