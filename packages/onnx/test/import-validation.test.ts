// What ONNX Runtime refuses at load, import refuses too, naming the node (or graph input) and the field:
// a recurrent node without hidden_size, sequence_lens that is not int32, an opset outside IMPORT_OPSETS.
// Export states its own opset range (EXPORT_OPSETS) and refuses the rest.
import { FormatError, UnsupportedError, defineSpec, initParams } from '@deeprnn/core';
import protoPackage from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { EXPORT_OPSETS, IMPORT_OPSETS, exportOnnx, importOnnx } from '../src/index.js';

const { onnx } = protoPackage;
type Model = InstanceType<typeof onnx.ModelProto>;

const spec = defineSpec({ mode: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 2 });
const params = initParams(spec, { seed: 5 });

/** A deeprnn export with a sequence_lens input; metadata dropped so the graph itself is read. */
function exported(lowering: 'node' | 'loop' = 'node', keepMetadata = false): Model {
  const m = onnx.ModelProto.decode(exportOnnx(spec, params, { lowering, sequenceLengths: true }));
  if (!keepMetadata) m.metadataProps = [];
  return m;
}

const bytesOf = (m: Model): Uint8Array => onnx.ModelProto.encode(m).finish();

function refusal(m: Model): FormatError {
  try {
    importOnnx(bytesOf(m));
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('import accepted the model');
}

describe('import: hidden_size is required (ONNX Runtime: "hidden_size ... > 0 was false")', () => {
  it('names the node when the attribute is missing', () => {
    const m = exported();
    const gru = m.graph!.node!.filter((n) => n.opType === 'GRU')[1]!;
    gru.attribute = gru.attribute!.filter((a) => a.name !== 'hidden_size');
    expect(refusal(m).message).toMatch(
      new RegExp(
        `node '${gru.name}' \\(GRU\\).*attribute hidden_size is missing \\(ONNX Runtime requires it on GRU nodes\\)`,
      ),
    );
  });

  it.each([[0], [-3]])('refuses hidden_size %i', (hs) => {
    const m = exported();
    const gru = m.graph!.node!.find((n) => n.opType === 'GRU')!;
    gru.attribute!.find((a) => a.name === 'hidden_size')!.i = hs;
    expect(refusal(m).message).toMatch(
      new RegExp(`'${gru.name}' \\(GRU\\): attribute hidden_size must be an integer in \\[1, 65536\\], got ${hs}`),
    );
  });

  it('reads the export as it is (hidden_size present)', () => {
    expect(importOnnx(bytesOf(exported())).spec.hiddenSize).toBe(3);
  });
});

describe('import: sequence_lens must be int32 (the ONNX type constraint T1; ONNX Runtime refuses the rest)', () => {
  const retype = (m: Model, elemType: number): Model => {
    m.graph!.input!.find((i) => i.name === 'sequence_lens')!.type!.tensorType!.elemType = elemType;
    return m;
  };

  it('accepts int32', () => {
    const r = importOnnx(bytesOf(exported()));
    expect(r.inputs.some((i) => i.role === 'lengths')).toBe(true);
  });

  it.each([
    [7, 'int64'],
    [1, 'float'],
    [11, 'double'],
    [0, 'undeclared'],
  ])('refuses element type %i (%s), naming the node', (t, name) => {
    const m = retype(exported(), t);
    const first = m.graph!.node!.find((n) => n.opType === 'GRU')!;
    expect(refusal(m).message).toMatch(
      new RegExp(
        `import: node '${first.name}' \\(GRU\\): input sequence_lens \\('sequence_lens'\\) must be int32, got ${name}`,
      ),
    );
  });

  it('refuses int64 in the loop lowering too (its graph must be exactly what export writes, int32 included)', () => {
    const m = retype(exported('loop', true), 7);
    expect(() => importOnnx(bytesOf(m))).toThrow(/the Loop graph is not the one deeprnn writes for that config/);
  });
});

describe(`import: ai.onnx opsets ${IMPORT_OPSETS.min}..${IMPORT_OPSETS.max}`, () => {
  const withOpset = (version: number | { low: number; high: number; unsigned: boolean }): Model => {
    const m = exported();
    m.opsetImport = [onnx.OperatorSetIdProto.create({ domain: '', version: version as number })];
    return m;
  };

  it.each([IMPORT_OPSETS.min, 9, 14, 17, IMPORT_OPSETS.max])('reads opset %i (at and inside the bounds)', (v) => {
    const r = importOnnx(bytesOf(withOpset(v)));
    expect(r.opset).toBe(v);
    expect(r.spec).toMatchObject({ mode: 'gru', hiddenSize: 3, numLayers: 2 });
  });

  it.each([IMPORT_OPSETS.min - 1, IMPORT_OPSETS.max + 1, 0, -5, 2 ** 40])('refuses opset %i', (v) => {
    expect(refusal(withOpset(v)).message).toBe(
      `import: opset_import version (ai.onnx) must be an integer in [${IMPORT_OPSETS.min}, ${IMPORT_OPSETS.max}], got ${v}`,
    );
  });

  it('refuses an int64 beyond 2^53 (as a Long on the wire)', () => {
    const m = withOpset(14);
    m.opsetImport = [
      onnx.OperatorSetIdProto.create({
        domain: '',
        version: { low: 0, high: 0x7fffffff, unsigned: false } as unknown as number,
      }),
    ];
    const decoded = onnx.ModelProto.decode(bytesOf(m));
    expect(refusal(decoded).message).toMatch(/must be an integer in \[7, 26\], got 9223372032559808512/);
  });

  it('refuses a model without a default-domain opset', () => {
    const m = exported();
    m.opsetImport = [];
    expect(refusal(m).message).toBe('import: opset_import has no entry for the default domain (ai.onnx)');
  });
});

describe(`export: opsets ${EXPORT_OPSETS.join(', ')}`, () => {
  it('states the range it writes', () => {
    expect(EXPORT_OPSETS).toEqual([14, 15, 16, 17]);
  });

  it.each([14, 17])('writes opset %i (the bounds) and import reads it back', (opset) => {
    expect(importOnnx(exportOnnx(spec, params, { opset })).opset).toBe(opset);
  });

  it.each([13, 18, 0, -5, 2 ** 40, 14.5, Number.NaN])('refuses opset %s with UnsupportedError', (opset) => {
    expect(() => exportOnnx(spec, params, { opset })).toThrow(UnsupportedError);
    expect(() => exportOnnx(spec, params, { opset })).toThrow(
      `export: opset ${opset} is not supported, choose one of 14, 15, 16, 17`,
    );
  });
});
