import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, UnsupportedError, defineSpec, initParams, tensor } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { exportTfjsLayers, importTfjsLayers } from '../src/index.js';
import { readTfjsLayersModel, writeTfjsLayersModel } from '../src/node.js';

const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 2, linearBeforeReset: false, batchFirst: true });
const params = initParams(spec, { seed: 5 });
const fresh = (): string => mkdtempSync(join(tmpdir(), 'deeprnn-keras-out-'));

describe('writing a tfjs-layers model', () => {
  it('over an existing model: the new model replaces it whole and no temp file is left', async () => {
    const dir = fresh();
    await writeTfjsLayersModel(dir, { spec, params });
    const other = initParams(spec, { seed: 6 });
    await writeTfjsLayersModel(dir, { spec, params: other });
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const back = await readTfjsLayersModel(join(dir, 'model.json'));
    // Weights compare exactly (Keras keeps one GRU bias, so the biases come back summed).
    for (const [k, t] of Object.entries(back.params))
      if (k.startsWith('weight')) expect(Array.from(t.data)).toEqual(Array.from(other[k]!.data));
  });

  it('a failed write (a folder in the way of the shard) leaves no model.json naming a wrong shard and no temp files', async () => {
    const dir = fresh();
    await writeTfjsLayersModel(dir, { spec, params });
    // A folder named like the new shard makes the shard's rename fail half-way through the write.
    await expect(writeTfjsLayersModel(dir, { spec, params }, { weightsPath: 'blocked' })).resolves.toBeDefined();
    mkdirSync(join(dir, 'w2'));
    await expect(writeTfjsLayersModel(dir, { spec, params }, { weightsPath: 'w2' })).rejects.toThrow(FormatError);
    const left = readdirSync(dir);
    expect(left.filter((f) => f.includes('.tmp-'))).toEqual([]);
    // Whatever model.json is there still reads with its own, complete shard.
    if (existsSync(join(dir, 'model.json')))
      await expect(readTfjsLayersModel(join(dir, 'model.json'))).resolves.toBeDefined();
  });

  // root writes anywhere, so the permission check only means something for other users.
  it.skipIf(process.getuid?.() === 0)('a folder that is not writable is a FormatError', async () => {
    const dir = fresh();
    chmodSync(dir, 0o500);
    await expect(writeTfjsLayersModel(join(dir, 'm'), { spec, params })).rejects.toThrow(FormatError);
    await expect(writeTfjsLayersModel(dir, { spec, params })).rejects.toThrow(FormatError);
  });

  it('a file where the folder should be is a FormatError and the file is untouched', async () => {
    const dir = fresh();
    const file = join(dir, 'f');
    writeFileSync(file, 'x');
    await expect(writeTfjsLayersModel(file, { spec, params })).rejects.toThrow(FormatError);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });
});

describe('half precision on export', () => {
  const withWeight = (v: number): typeof params => {
    const w = params.weight_ih_l0!;
    const data = Float32Array.from(w.data);
    data[0] = v;
    return { ...params, weight_ih_l0: tensor(data, w.shape) };
  };

  it('float16: 65504 exports, 65520 and above (which float16 holds only as Inf) is refused naming the weight', () => {
    expect(
      exportTfjsLayers({ spec, params: withWeight(65504) }, { quantize: 'float16' }).maxQuantizationError,
    ).toBeLessThan(1e-3 + 8);
    expect(() => exportTfjsLayers({ spec, params: withWeight(65520) }, { quantize: 'float16' })).toThrow(
      UnsupportedError,
    );
    expect(() => exportTfjsLayers({ spec, params: withWeight(-1e6) }, { quantize: 'float16' })).toThrow(
      /outside float16's finite range/,
    );
  });

  it('float16: a subnormal rounds to the nearest float16 subnormal (error <= half a step, 2^-25) and imports back finite', () => {
    const zeros = Object.fromEntries(
      Object.entries(params).map(([k, t]) => [k, tensor(new Float32Array(t.data.length), t.shape)]),
    );
    const w = zeros.weight_ih_l0!;
    const d = new Float32Array(w.data.length);
    d[0] = 3e-6;
    const e = exportTfjsLayers(
      { spec, params: { ...zeros, weight_ih_l0: tensor(d, w.shape) } },
      { quantize: 'float16' },
    );
    expect(e.maxQuantizationError).toBeGreaterThan(0);
    expect(e.maxQuantizationError).toBeLessThanOrEqual(2 ** -25);
    const back = importTfjsLayers(e.modelJson, () => e.weights);
    expect(Math.abs((back.params.weight_ih_l0!.data[0] as number) - 3e-6)).toBeLessThanOrEqual(2 ** -25);
  });

  it('uint8: weights at the float32 extremes (+-3e38) quantize to finite values', () => {
    const p = withWeight(3e38);
    const w = p.weight_hh_l0!;
    const d = Float32Array.from(w.data);
    d[0] = -3e38;
    const e = exportTfjsLayers({ spec, params: { ...p, weight_hh_l0: tensor(d, w.shape) } }, { quantize: 'uint8' });
    const back = importTfjsLayers(e.modelJson, () => e.weights);
    expect(Object.values(back.params).every((t) => t.data.every(Number.isFinite))).toBe(true);
  });

  it('NaN weights are refused on export (any quantization)', () => {
    for (const q of [null, 'float16', 'uint8'] as const)
      expect(() => exportTfjsLayers({ spec, params: withWeight(Number.NaN) }, { quantize: q })).toThrow();
  });
});
