import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ParameterError,
  ShapeError,
  bf16BitsToNumber,
  checkGoldenCase,
  createReferenceBackend,
  f16BitsToNumber,
  float32ToBf16Bits,
  float32ToF16Bits,
  readSafetensors,
  tensor,
  writeSafetensors,
} from '../src/index.js';
import { fixtures, loadCase } from './helpers.js';

// Files PyTorch wrote (tools/golden/gen_safetensors_half.py): weights rounded by Tensor.to(float16/bfloat16).
const dir = `${fixtures}/safetensors-half`;
const index = JSON.parse(readFileSync(`${dir}/index.json`, 'utf8')) as {
  models: { name: string; file: string; case?: string; dtype: 'F16' | 'BF16' }[];
};
const models = index.models.filter((m) => m.case !== undefined);

function roundingInputs(): Float32Array {
  const json = JSON.parse(readFileSync(`${dir}/rounding.json`, 'utf8')) as {
    data: number[];
    special: Record<string, string>;
  };
  const values = Float32Array.from(json.data);
  const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
  for (const [i, name] of Object.entries(json.special)) values[Number(i)] = special[name] as number;
  return values;
}

/** The parsed header and the data section (everything after the header) of a safetensors file. */
function split(bytes: Uint8Array): { header: unknown; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.subarray(8 + n) };
}

/** The 16-bit words of a data section; every NaN pattern is replaced by one marker. */
function words(data: Uint8Array, dtype: 'F16' | 'BF16'): (number | 'NaN')[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: (number | 'NaN')[] = [];
  for (let i = 0; i < data.length; i += 2) {
    const w = view.getUint16(i, true);
    out.push(Number.isNaN(dtype === 'F16' ? f16BitsToNumber(w) : bf16BitsToNumber(w)) ? 'NaN' : w);
  }
  return out;
}

describe('half-precision safetensors written by PyTorch', () => {
  it('has the four model files and both rounding files', () => {
    expect(models.map((m) => m.dtype).sort()).toEqual(['BF16', 'BF16', 'F16', 'F16']);
    expect(index.models.filter((m) => m.name.startsWith('rounding_'))).toHaveLength(2);
  });

  it.each(models.map((m) => [m.name, m] as const))(
    '%s loads and reproduces PyTorch within the golden tolerance',
    async (_name, m) => {
      const { tensors } = readSafetensors(new Uint8Array(readFileSync(`${dir}/${m.file}`)));
      const golden = loadCase(`${dir}/${m.case as string}`);
      expect(Object.keys(tensors)).toEqual(Object.keys(golden.params));
      // The widened half values are exact in float32, so they equal the case's params bit for bit.
      for (const [name, t] of Object.entries(golden.params))
        expect(Float32Array.from(tensors[name]!.data)).toEqual(Float32Array.from(t.data));
      const result = await checkGoldenCase(createReferenceBackend(), { ...golden, params: tensors });
      expect(result.failures).toEqual([]);
    },
  );

  it.each(models.map((m) => [m.name, m] as const))(
    "%s: writing its weights again gives PyTorch's bytes",
    (_name, m) => {
      const file = new Uint8Array(readFileSync(`${dir}/${m.file}`));
      const { tensors, metadata } = readSafetensors(file);
      const again = split(writeSafetensors(tensors, metadata, { dtype: m.dtype }));
      const torch = split(file);
      // Python writes __metadata__ last and we write it first: the same header as JSON, the same data bytes.
      expect(again.header).toEqual(torch.header);
      expect(again.data).toEqual(torch.data);
    },
  );

  it.each(['F16', 'BF16'] as const)(
    'rounds float32 to %s exactly as PyTorch (ties to even, subnormals, overflow, NaN, inf, -0)',
    (dtype) => {
      const values = roundingInputs();
      const torchFile = new Uint8Array(readFileSync(`${dir}/rounding_${dtype.toLowerCase()}.safetensors`));
      // The inputs include finite values past the type's range: PyTorch stores infinity, as `overflow: 'infinity'` does.
      const ours = split(
        writeSafetensors(
          { values: tensor(values, [values.length]) },
          { format: 'pt' },
          { dtype, overflow: 'infinity' },
        ),
      );
      const torch = split(torchFile);
      expect(ours.header).toEqual(torch.header);
      // NaN stays NaN; its payload is free: PyTorch's vectorised bfloat16 path writes 0xffff, its scalar
      // path and we write the quiet NaN 0x7fc0. Every other pattern is equal bit for bit.
      expect(words(ours.data, dtype)).toEqual(words(torch.data, dtype));
      expect(words(ours.data, dtype).filter((w) => w === 'NaN')).toHaveLength(1);
    },
  );
});

describe('half-precision conversions', () => {
  it('round-trip every finite half and bfloat16 bit pattern', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const f = f16BitsToNumber(bits);
      if (!Number.isNaN(f)) expect(float32ToF16Bits(f)).toBe(bits);
      const b = bf16BitsToNumber(bits);
      if (!Number.isNaN(b)) expect(float32ToBf16Bits(b)).toBe(bits);
    }
  });

  it('pick the nearest representable value for any float32 (error at most half a unit in the last place)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -65504, max: 65504 }), (x) => {
        const h = f16BitsToNumber(float32ToF16Bits(x));
        const b = bf16BitsToNumber(float32ToBf16Bits(x));
        // ulp of half: 2^(e-10) for normals, 2^-24 for subnormals; bfloat16 keeps 8 bits (2^(e-7)).
        const e = Math.max(Math.floor(Math.log2(Math.abs(x) || 1)), -14);
        expect(Math.abs(h - x)).toBeLessThanOrEqual(2 ** (e - 11) * (1 + 1e-9));
        const eb = Math.max(Math.floor(Math.log2(Math.abs(x) || 1)), -126);
        if (x !== 0) expect(Math.abs(b - x)).toBeLessThanOrEqual(2 ** (eb - 8) * (1 + 1e-9));
      }),
      { numRuns: 2000, seed: 24 },
    );
  });

  it('write F16/BF16 files that read back as the rounded values, float64 tensors included', () => {
    const t = tensor(Float64Array.from([Math.PI, -1e-9, 70000, -0]), [2, 2]);
    const f16 = readSafetensors(writeSafetensors({ t }, {}, { dtype: 'F16', overflow: 'infinity' })).tensors.t!;
    expect(Array.from(f16.data)).toEqual([3.140625, -0, Infinity, -0]);
    const bf16 = readSafetensors(writeSafetensors({ t }, {}, { dtype: 'BF16' })).tensors.t!;
    expect(Array.from(bf16.data)).toEqual([3.140625, bf16BitsToNumber(float32ToBf16Bits(-1e-9)), 70144, -0]);
  });

  it.each([
    // [dtype, the largest magnitude stored finite, the smallest stored as infinity]
    ['F16', 65519.99609375, 65520],
    ['BF16', 3.39e38, Math.fround(3.4028234663852886e38)],
  ] as const)(
    '%s: a finite value that would become infinity is refused, naming tensor and element',
    (dtype, below, at) => {
      const ok = writeSafetensors({ t: tensor(Float32Array.from([1, below, -below, Infinity]), [4]) }, {}, { dtype });
      const back = readSafetensors(ok).tensors.t!;
      expect(Array.from(back.data).slice(1, 3).every(Number.isFinite)).toBe(true);
      expect(back.data[3]).toBe(Infinity);
      for (const v of [at, -at]) {
        const t = tensor(Float32Array.from([0, 1, v]), [3]);
        expect(() => writeSafetensors({ w: t }, {}, { dtype })).toThrow(ParameterError);
        expect(() => writeSafetensors({ w: t }, {}, { dtype })).toThrow(
          `tensor 'w' element 2 is ${v}, beyond ${dtype}'s finite range`,
        );
        const stored = readSafetensors(writeSafetensors({ w: t }, {}, { dtype, overflow: 'infinity' })).tensors.w!;
        expect(stored.data[2]).toBe(Math.sign(v) * Infinity);
      }
      // F32 holds every float32: no check applies.
      expect(() => writeSafetensors({ w: tensor(Float32Array.from([at]), [1]) }, {}, { dtype: 'F32' })).not.toThrow();
    },
  );

  it('refuses an unknown dtype with ShapeError', () => {
    const t = tensor(Float32Array.from([1]), [1]);
    expect(() => writeSafetensors({ t }, {}, { dtype: 'F8' as 'F16' })).toThrow(ShapeError);
    expect(() => writeSafetensors({ t }, {}, { dtype: 'toString' as 'F16' })).toThrow(/options.dtype must be one of/);
  });
});
