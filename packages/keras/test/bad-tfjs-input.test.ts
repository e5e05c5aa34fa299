import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FormatError, SizeLimitError, defineSpec, float32ToF16Bits, initParams } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { type TfjsExport, exportTfjsLayers, importTfjsArtifacts, importTfjsLayers } from '../src/index.js';
import { readTfjsLayersModel } from '../src/node.js';

// Attacks on the tfjs-layers reader: every malformed model.json or shard set is a typed error that
// says what was expected and what arrived, before anything of a declared size is allocated.

type Json = { modelTopology: unknown; weightsManifest: { paths: string[]; weights: Record<string, unknown>[] }[] };

function model(quantize: 'float16' | 'uint8' | null = null): { json: Json; shard: Uint8Array } {
  const spec = defineSpec({ mode: 'lstm', inputSize: 2, hiddenSize: 2, batchFirst: true });
  const e: TfjsExport = exportTfjsLayers({ spec, params: initParams(spec, { seed: 3 }) }, { quantize });
  return { json: JSON.parse(JSON.stringify(e.modelJson)) as Json, shard: e.weights };
}

const run = (json: unknown, shard: Uint8Array): unknown => importTfjsLayers(json, () => shard);

function onDisk(json: unknown, shards: Record<string, Uint8Array | string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'deeprnn-keras-bad-'));
  writeFileSync(join(dir, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json));
  for (const [p, b] of Object.entries(shards)) writeFileSync(join(dir, p), b);
  return join(dir, 'model.json');
}

describe('model.json attacks', () => {
  it('a valid model imports (the baseline every attack below perturbs)', () => {
    const { json, shard } = model();
    expect(() => run(json, shard)).not.toThrow();
  });

  it('not JSON, and JSON of the wrong type, are FormatErrors', async () => {
    await expect(readTfjsLayersModel(onDisk('{"modelTopology": ', {}))).rejects.toThrow(FormatError);
    expect(() => run([1, 2], new Uint8Array())).toThrow(FormatError);
    expect(() => run({ modelTopology: 'x', weightsManifest: {} }, new Uint8Array())).toThrow(/weightsManifest/);
  });

  it.each([[-1], [1.5], [2 ** 53], ['2'], [null]])('a weight shape entry %j is refused by name', (d) => {
    const { json, shard } = model();
    json.weightsManifest[0]!.weights[0]!.shape = [d, 8];
    expect(() => run(json, shard)).toThrow(FormatError);
  });

  it('a huge declared shape is refused before allocating (size limit), not by running out of memory', () => {
    const { json, shard } = model();
    json.weightsManifest[0]!.weights[0]!.shape = [2 ** 20, 2 ** 20];
    expect(() => run(json, shard)).toThrow(SizeLimitError);
  });

  it('the weights limit: at the limit imports, one byte below refuses', () => {
    const { json, shard } = model();
    expect(() => importTfjsLayers(json, () => shard, { maxBytes: shard.length })).not.toThrow();
    expect(() => importTfjsLayers(json, () => shard, { maxBytes: shard.length - 1 })).toThrow(SizeLimitError);
  });

  it.each([
    ['units', 1e9],
    ['units', -2],
    ['units', 2.5],
    ['units', 'many'],
  ])('layer field %s = %j is a FormatError naming the field', (field, v) => {
    const { json, shard } = model();
    const layer = (json.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config
      .layers[0]!;
    layer.config[field] = v;
    expect(() => run(json, shard)).toThrow(FormatError);
    expect(() => run(json, shard)).toThrow(/units|expected \[2, 4000000000\]/);
  });

  it('shards shorter or longer than the manifest, and a missing shard, are FormatErrors', async () => {
    const { json, shard } = model();
    expect(() => run(json, shard.subarray(0, shard.length - 1))).toThrow(/take \d+ bytes, the data has/);
    expect(() => run(json, new Uint8Array(shard.length + 4))).toThrow(/take \d+ bytes, the data has/);
    expect(() => importTfjsLayers(json, () => undefined as unknown as Uint8Array)).toThrow(FormatError);
    await expect(readTfjsLayersModel(onDisk(json, {}))).rejects.toThrow(FormatError);
    await expect(readTfjsLayersModel(onDisk(json, { 'weights.bin': shard.subarray(1) }))).rejects.toThrow(FormatError);
    // A long shard on disk is refused from its size, before it is read.
    await expect(
      readTfjsLayersModel(onDisk(json, { 'weights.bin': new Uint8Array(shard.length + 1) })),
    ).rejects.toThrow(/more bytes than its weightsManifest declares/);
    await expect(readTfjsLayersModel(onDisk(json, { 'weights.bin': shard }))).resolves.toBeDefined();
  });

  it('a shard that is a symbolic link placed in the folder is followed (the Hugging Face cache layout), with the same size checks', async () => {
    const { json, shard } = model();
    const path = onDisk(json, {});
    const blobs = mkdtempSync(join(tmpdir(), 'deeprnn-keras-blobs-'));
    writeFileSync(join(blobs, 'sha256-of-the-shard'), shard);
    symlinkSync(join(blobs, 'sha256-of-the-shard'), join(dirname(path), 'weights.bin'));
    await expect(readTfjsLayersModel(path)).resolves.toBeDefined();
    // A link to something longer than the manifest declares is refused from its size, like a file.
    writeFileSync(join(blobs, 'sha256-of-the-shard'), new Uint8Array(shard.length + 1));
    await expect(readTfjsLayersModel(path)).rejects.toThrow(/more bytes than its weightsManifest declares/);
    // A link to a device is refused before it is opened.
    unlinkSync(join(dirname(path), 'weights.bin'));
    symlinkSync('/dev/zero', join(dirname(path), 'weights.bin'));
    await expect(readTfjsLayersModel(path)).rejects.toThrow(/not a regular file/);
  });

  it.each([
    ['../../etc/passwd'],
    ['/etc/passwd'],
    ['http://example.com/w.bin'],
    ['file:///etc/passwd'],
    ['a/../../w.bin'],
    [''],
  ])('shard path %j is refused on disk and in memory', async (p) => {
    const { json, shard } = model();
    json.weightsManifest[0]!.paths = [p];
    expect(() => run(json, shard)).toThrow(/relative path beside model.json/);
    await expect(readTfjsLayersModel(onDisk(json, {}))).rejects.toThrow(FormatError);
  });

  it('a FIFO named model.json is refused at once instead of blocking on open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-keras-fifo-'));
    const fifo = join(dir, 'model.json');
    execFileSync('mkfifo', [fifo]);
    await expect(readTfjsLayersModel(fifo)).rejects.toThrow(/not a regular file/);
  }, 5000);

  it('model.json over the JSON limit is refused before parsing; at the limit it reads', async () => {
    const { json, shard } = model();
    const path = onDisk(json, { 'weights.bin': shard });
    const size = JSON.stringify(json).length;
    await expect(readTfjsLayersModel(path, { maxJsonBytes: size })).resolves.toBeDefined();
    await expect(readTfjsLayersModel(path, { maxJsonBytes: size - 1 })).rejects.toThrow(SizeLimitError);
  });

  it.each([
    [{ dtype: 'uint8', scale: Number.NaN, min: 0 }],
    [{ dtype: 'uint8', scale: 0.1 }],
    [{ dtype: 'uint16', scale: 0.1, min: Number.POSITIVE_INFINITY }],
    [{ dtype: 'int4' }],
  ])('quantization %j is refused', (q) => {
    const { json, shard } = model('uint8');
    json.weightsManifest[0]!.weights[0]!.quantization = q;
    // JSON cannot hold NaN/Inf; an in-memory manifest (tfjs artifacts) can.
    expect(() =>
      importTfjsArtifacts({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0]!.weights,
        weightData: shard,
      }),
    ).toThrow(FormatError);
  });

  it.each([['int32'], ['string'], ['float64']])('dtype %s is refused', (dtype) => {
    const { json, shard } = model();
    json.weightsManifest[0]!.weights[0]!.dtype = dtype;
    expect(() => run(json, shard)).toThrow(/dtype/);
  });

  it('a duplicate weight name, a missing weight and an extra weight are FormatErrors', () => {
    const dup = model();
    const ws = dup.json.weightsManifest[0]!.weights;
    ws[1]!.name = ws[0]!.name as string;
    expect(() => run(dup.json, dup.shard)).toThrow(/appears twice/);
    const missing = model();
    const last = missing.json.weightsManifest[0]!.weights.pop()!;
    const n = (last.shape as number[]).reduce((a, b) => a * b, 1) * 4;
    expect(() => run(missing.json, missing.shard.subarray(0, missing.shard.length - n))).toThrow(
      /has 2 weights, expected 3/,
    );
    const extra = model();
    extra.json.weightsManifest[0]!.weights.push({ name: 'dense_9/kernel', shape: [1], dtype: 'float32' });
    const more = new Uint8Array(extra.shard.length + 4);
    more.set(extra.shard);
    expect(() => run(extra.json, more)).toThrow(/no layer of the model uses: dense_9\/kernel/);
  });

  it('NaN and Inf weights, float32 or float16-quantized, are refused naming the weight; subnormal float16 is exact', () => {
    const f32 = model();
    new DataView(f32.shard.buffer, f32.shard.byteOffset).setFloat32(4, Number.NaN, true);
    expect(() => run(f32.json, f32.shard)).toThrow(/element 1 is NaN/);
    for (const bits of [0x7e00, 0x7c00, 0xfc00]) {
      const h = model('float16');
      new DataView(h.shard.buffer, h.shard.byteOffset).setUint16(0, bits, true);
      expect(() => run(h.json, h.shard)).toThrow(/element 0 is (NaN|Infinity|-Infinity)/);
    }
    const sub = model('float16');
    new DataView(sub.shard.buffer, sub.shard.byteOffset).setUint16(0, 0x0001, true); // 2^-24, the smallest subnormal
    const k = run(sub.json, sub.shard) as { params: Record<string, { data: Float32Array }> };
    expect(Object.values(k.params).some((t) => t.data.includes(2 ** -24))).toBe(true);
    expect(float32ToF16Bits(2 ** -24)).toBe(1);
  });
});

describe('functional topology attacks', () => {
  const layer = (name: string, cls: string, inbound: string[], config: Record<string, unknown> = {}): unknown => ({
    class_name: cls,
    name,
    config: { name, ...config },
    inbound_nodes: inbound.length === 0 ? [] : [inbound.map((s) => [s, 0, 0, {}])],
  });
  const functional = (layers: unknown[], out = 'lstm'): unknown => ({
    class_name: 'Model',
    config: { layers, input_layers: [['in', 0, 0]], output_layers: [[out, 0, 0]] },
  });
  const lstm = { units: 2, activation: 'tanh', recurrent_activation: 'sigmoid' };

  it('a layer reading an unknown input, an unknown output layer and a cycle are FormatErrors', () => {
    const none = (): never => {
      throw new Error('no weights needed');
    };
    expect(() =>
      importTfjsArtifacts({
        modelTopology: functional([layer('in', 'InputLayer', []), layer('lstm', 'LSTM', ['ghost'], lstm)]),
        weightSpecs: [],
        weightData: new Uint8Array(),
      }),
    ).toThrow(/'ghost' is referenced but not defined/);
    expect(() =>
      importTfjsArtifacts({
        modelTopology: functional([layer('in', 'InputLayer', []), layer('lstm', 'LSTM', ['in'], lstm)], 'nowhere'),
        weightSpecs: [],
        weightData: new Uint8Array(),
      }),
    ).toThrow(/'nowhere', which is not a layer/);
    expect(() =>
      importTfjsArtifacts({
        modelTopology: functional([
          layer('in', 'InputLayer', []),
          layer('a', 'Dense', ['lstm']),
          layer('lstm', 'LSTM', ['a'], lstm),
        ]),
        weightSpecs: [],
        weightData: new Uint8Array(),
      }),
    ).toThrow(FormatError);
    void none;
  });
});
