import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError, SizeLimitError } from '@deeprnn/core';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importKerasFile } from '../src/index.js';

// Attacks on the .keras (zip) and .h5 (HDF5) readers, starting from the committed fixtures.
const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/keras');
const keras3 = new Uint8Array(readFileSync(join(dir, 'keras3_embedding_simplernn_softmax.keras')));
const keras2 = new Uint8Array(readFileSync(join(dir, 'keras2_masking_lstm_dense.h5')));
const entries = unzipSync(keras3);

describe('.keras zip attacks', () => {
  it('a zip bomb (1 KiB that inflates to 64 MiB) is stopped at the limit before inflating; at the limit it is read', () => {
    const bomb = zipSync({ ...entries, 'model.weights.h5': new Uint8Array(64 * 2 ** 20) }, { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    expect(() => importKerasFile(bomb, { maxBytes: 2 ** 20 })).toThrow(SizeLimitError);
    // Exactly at the limit the entry is inflated (and then refused as not HDF5, a FormatError).
    expect(() => importKerasFile(bomb, { maxBytes: 64 * 2 ** 20 })).toThrow(FormatError);
  });

  it('an entry whose header lies about its size (4 GiB declared) is refused without allocating it', () => {
    const z = zipSync(
      { 'config.json': entries['config.json']!, 'model.weights.h5': entries['model.weights.h5']! },
      { level: 0 },
    );
    const view = new DataView(z.buffer, z.byteOffset, z.byteLength);
    // Central directory entries (PK\1\2): uncompressed size at +24.
    for (let i = 0; i + 4 < z.length; i++)
      if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 0xfffffff0, true);
    expect(() => importKerasFile(z)).toThrow(SizeLimitError);
  });

  it('an entry that declares fewer bytes than it holds is refused (not silently truncated)', () => {
    const z = zipSync({ 'config.json': entries['config.json']!, 'model.weights.h5': entries['model.weights.h5']! });
    const view = new DataView(z.buffer, z.byteOffset, z.byteLength);
    for (let i = 0; i + 4 < z.length; i++) if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 10, true);
    expect(() => importKerasFile(z)).toThrow(FormatError);
  });

  it('a config.json over the JSON limit is refused; at the limit it is read', () => {
    const size = entries['config.json']!.length;
    expect(() => importKerasFile(keras3, { maxJsonBytes: size })).not.toThrow();
    expect(() => importKerasFile(keras3, { maxJsonBytes: size - 1 })).toThrow(SizeLimitError);
    const huge = zipSync({ ...entries, 'config.json': strToU8(' '.repeat(17 * 2 ** 20)) }, { level: 9 });
    expect(() => importKerasFile(huge)).toThrow(SizeLimitError);
  });

  it('missing entries, a corrupt zip and a non-JSON config are FormatErrors', () => {
    const { 'model.weights.h5': _w, ...noWeights } = entries;
    expect(() => importKerasFile(zipSync(noWeights))).toThrow(/no model.weights.h5/);
    const { 'config.json': _c, ...noConfig } = entries;
    expect(() => importKerasFile(zipSync(noConfig))).toThrow(/no config.json/);
    const corrupt = keras3.slice(0, keras3.length - 30);
    expect(() => importKerasFile(corrupt)).toThrow(FormatError);
    expect(() => importKerasFile(zipSync({ ...entries, 'config.json': strToU8('{nope') }))).toThrow(
      /config.json is not JSON/,
    );
    expect(() => importKerasFile(new Uint8Array([1, 2, 3]))).toThrow(FormatError);
  });
});

/** Finds the kernel's dataspace (v1, rank 2, max dims present, dims [2, 12]) and sets its first dim. */
function withKernelRows(rows: number): Uint8Array {
  const b = keras2.slice();
  const v = new DataView(b.buffer);
  let found = 0;
  for (let i = 8; i + 32 <= b.length; i++) {
    if (
      b[i - 8] === 1 &&
      b[i - 7] === 2 &&
      b[i - 6] === 1 &&
      v.getBigUint64(i, true) === 2n &&
      v.getBigUint64(i + 8, true) === 12n &&
      v.getBigUint64(i + 16, true) === 2n
    ) {
      v.setBigUint64(i, BigInt(rows), true);
      v.setBigUint64(i + 16, BigInt(rows), true);
      found++;
    }
  }
  expect(found).toBe(1);
  return b;
}

describe('.h5 attacks', () => {
  it('the fixture imports (baseline)', () => expect(importKerasFile(keras2).spec.mode).toBe('lstm'));

  it('a dataset declaring 48 GB is refused from its header, before jsfive reads it', () => {
    expect(() => importKerasFile(withKernelRows(1e9))).toThrow(SizeLimitError);
  });

  it('a dataset declaring more than the file holds is a typed error, not a crash', () => {
    expect(() => importKerasFile(withKernelRows(4000))).toThrow(FormatError);
  });

  it('truncated files are FormatErrors at every cut', () => {
    for (const cut of [8, 100, 1000, 4096, Math.floor(keras2.length / 2), keras2.length - 300]) {
      expect(() => importKerasFile(keras2.slice(0, cut)), `cut at ${cut}`).toThrow(FormatError);
    }
  });
});
