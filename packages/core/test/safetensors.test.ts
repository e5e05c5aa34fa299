import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FormatError,
  checkGoldenCase,
  createReferenceBackend,
  defineSpec,
  initParams,
  readSafetensors,
  tensor,
  writeSafetensors,
} from '../src/index.js';
import { caseFiles, fixtures, loadCase } from './helpers.js';

function withHeader(header: unknown, data: Uint8Array = new Uint8Array(0), declared?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function rawHeader(text: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips float32 and float64 tensors and metadata exactly', () => {
    const spec = defineSpec({ mode: 'lstm', inputSize: 3, hiddenSize: 5, projSize: 2, bidirectional: true });
    const params = initParams(spec, { seed: 1 });
    const extra = { scale: tensor(Float64Array.from([Math.PI, -0, 1e-300]), [3]) };
    const bytes = writeSafetensors({ ...params, ...extra }, { format: 'pt', config: '{"mode":"lstm"}' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt', config: '{"mode":"lstm"}' });
    expect(Object.keys(back.tensors)).toEqual([...Object.keys(params), 'scale']);
    for (const [name, t] of Object.entries({ ...params, ...extra })) {
      expect(back.tensors[name]!.dtype).toBe(t.dtype);
      expect(back.tensors[name]!.shape).toEqual(t.shape);
      expect(back.tensors[name]!.data).toEqual(t.data);
    }
  });

  it('loads state_dicts that the PyTorch tool wrote and reproduces PyTorch outputs with them', async () => {
    const files = caseFiles(`${fixtures}/safetensors`);
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const golden = loadCase(file);
      const weights = file.replace(/\.json$/, '.safetensors');
      let stFile = weights;
      try {
        readFileSync(stFile);
      } catch {
        continue; // a JSON case without weights file beside it (e.g. the float64 sample)
      }
      const { tensors } = readSafetensors(new Uint8Array(readFileSync(stFile)));
      expect(Object.keys(tensors).sort()).toEqual(Object.keys(golden.params).sort());
      for (const [name, t] of Object.entries(golden.params))
        expect(Float32Array.from(tensors[name]!.data)).toEqual(t.data);
      const result = await checkGoldenCase(createReferenceBackend(), { ...golden, params: tensors });
      expect(result.failures).toEqual([]);
      stFile = '';
    }
  });

  const hostile: [string, Uint8Array, RegExp][] = [
    ['fewer than 8 bytes', new Uint8Array(5), /has 5 bytes, a header length needs 8/],
    [
      'a header longer than the file',
      withHeader({}, new Uint8Array(0), 1n << 40n),
      /header declares 1099511627776 bytes, the file has 2/,
    ],
    [
      'a header that is not JSON',
      (() => {
        const b = withHeader({});
        b[8] = 0x7b;
        b[9] = 0x7b;
        return b;
      })(),
      /not valid UTF-8 JSON/,
    ],
    ['a JSON array header', withHeader([1, 2]), /header must be a JSON object/],
    [
      'an unsupported dtype',
      withHeader({ w: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /dtype "I64"/,
    ],
    [
      'offsets past the end',
      withHeader({ w: { dtype: 'F32', shape: [1000000000], data_offsets: [0, 4000000000] } }, new Uint8Array(8)),
      /spans bytes \[0, 4000000000\) of a 8-byte data section/,
    ],
    [
      'offsets that disagree with the shape',
      withHeader({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /needs 12 bytes, offsets give 8/,
    ],
    [
      'overlapping tensors',
      withHeader(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        new Uint8Array(8),
      ),
      /'a' and 'b' overlap/,
    ],
    [
      'a negative shape',
      withHeader({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }),
      /expected non-negative integers/,
    ],
    ['bad metadata', withHeader({ __metadata__: { a: 1 } }), /__metadata__ must map strings to strings/],
  ];
  it.each(hostile)('rejects %s with FormatError', (_what, bytes, message) => {
    expect(() => readSafetensors(bytes)).toThrow(FormatError);
    expect(() => readSafetensors(bytes)).toThrow(message);
  });

  /** A file written by our writer (header padded with spaces) with its length field lowered by `short`. */
  function withShortHeaderLength(short: number): Uint8Array {
    // Grow the name until the writer pads the header with at least 4 spaces.
    let bytes: Uint8Array = new Uint8Array(0);
    for (let name = 'w'; ; name += 'w') {
      bytes = writeSafetensors({ [name]: tensor(Float32Array.from([1, 2, 3]), [3]) });
      if (bytes[8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)) - 4] === 0x20) break;
    }
    const view = new DataView(bytes.buffer);
    const declared = view.getBigUint64(0, true);
    expect(new TextDecoder().decode(bytes.subarray(8 + Number(declared) - short, 8 + Number(declared)))).toBe(
      ' '.repeat(short),
    );
    view.setBigUint64(0, declared - BigInt(short), true);
    return bytes;
  }
  it.each([1, 2, 3, 4])('refuses a header length declared %i byte(s) short, into the space padding', (short) => {
    // Before: JSON.parse ignored the cut padding and every weight was read shifted by `short` bytes.
    expect(() => readSafetensors(withShortHeaderLength(short))).toThrow(FormatError);
    expect(() => readSafetensors(withShortHeaderLength(short))).toThrow(new RegExp(`${short} trailing bytes`));
  });

  const inexact: [string, Uint8Array, RegExp][] = [
    [
      'trailing bytes after the last tensor',
      withHeader({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(5)),
      /cover 4 bytes of the 5-byte data section; 1 trailing/,
    ],
    ['data with no tensors at all', withHeader({}, new Uint8Array(8)), /cover 0 bytes of the 8-byte/],
    [
      'a gap between tensors',
      withHeader(
        {
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
        },
        new Uint8Array(12),
      ),
      /bytes \[4, 8\) before tensor 'b' belong to no tensor/,
    ],
    [
      'a gap before the first tensor',
      withHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)),
      /bytes \[0, 4\) before tensor 'a'/,
    ],
    [
      'an empty tensor inside another',
      withHeader(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] },
        },
        new Uint8Array(8),
      ),
      /'a' and 'e' overlap/,
    ],
    [
      'a dtype named after an Object method',
      withHeader({ w: { dtype: 'toString', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)),
      /dtype "toString", supported/,
    ],
    [
      'a header with leading whitespace',
      rawHeader(' {"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)),
      /starting at its first byte/,
    ],
  ];
  it.each(inexact)('refuses %s (the reference crate does too)', (_what, bytes, message) => {
    expect(() => readSafetensors(bytes)).toThrow(FormatError);
    expect(() => readSafetensors(bytes)).toThrow(message);
  });

  it('keeps a tensor named __proto__ as a tensor and changes no prototype', () => {
    const weird = {
      ['__proto__']: tensor(Float32Array.from([7]), [1]),
      constructor: tensor(Float64Array.from([8, 9]), [2]),
    };
    Object.defineProperty(weird, '__proto__', { value: tensor(Float32Array.from([7]), [1]), enumerable: true });
    const bytes = writeSafetensors(weird, { ['__proto__']: 'meta' } as Record<string, string>);
    const back = readSafetensors(bytes);
    expect(Object.keys(back.tensors).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(back.tensors)).toBeNull();
    expect([...back.tensors['__proto__']!.data]).toEqual([7]);
    expect([...back.tensors['constructor']!.data]).toEqual([8, 9]);
    expect(Object.hasOwn(back.metadata, '__proto__')).toBe(true);
    // Built by hand, the way the hostile file was.
    const hand = withHeader(
      JSON.parse('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'),
      new Uint8Array([0, 0, 128, 63]),
    );
    const loaded = readSafetensors(hand);
    expect(Object.keys(loaded.tensors)).toEqual(['__proto__']);
    expect([...loaded.tensors['__proto__']!.data]).toEqual([1]);
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });

  it('refuses to write a tensor whose data does not match its shape', () => {
    const bad = { dtype: 'float32', shape: [4], data: new Float32Array(3) } as const;
    expect(() => writeSafetensors({ w: bad })).toThrow(/shape \[4\] \(4 elements\), data has 3/);
  });

  it('reads F16 and BF16 as float32', () => {
    const data = new Uint8Array(8);
    const view = new DataView(data.buffer);
    view.setUint16(0, 0x3c00, true); // f16 1.0
    view.setUint16(2, 0xc000, true); // f16 -2.0
    view.setUint16(4, 0x3f80, true); // bf16 1.0
    view.setUint16(6, 0x4049, true); // bf16 3.140625
    const { tensors } = readSafetensors(
      withHeader(
        {
          h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
          b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
        },
        data,
      ),
    );
    expect([...tensors.h!.data]).toEqual([1, -2]);
    expect([...tensors.b!.data]).toEqual([1, 3.140625]);
  });

  it('never throws anything but FormatError on corrupted files', () => {
    const good = writeSafetensors(initParams(defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3 }), { seed: 2 }));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(good.length),
        (flips, cut) => {
          const bytes = good.slice(0, Math.max(cut, 0));
          for (const [at, v] of flips) if (at < bytes.length) bytes[at] = v;
          try {
            readSafetensors(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(FormatError);
          }
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
