// The opset ranges at the CLI: `export --opset` takes EXPORT_OPSETS (14..17) and is a usage error (exit 2)
// outside it; `import` refuses a model whose opset is outside IMPORT_OPSETS (7..26), or that ONNX Runtime
// would refuse (no hidden_size, int64 sequence_lens), as bad input (exit 3) naming the field.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_OPSETS, IMPORT_OPSETS } from '@deeprnn/onnx';
import protoPackage from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './run-cli.js';

const { onnx } = protoPackage;
const dir = mkdtempSync(join(tmpdir(), 'deeprnn-opset-'));
const GOLDEN = join(repoRoot, 'fixtures/pytorch/proj_gru_l1.json');

describe('deeprnn export --opset', () => {
  it.each([EXPORT_OPSETS[0]!, EXPORT_OPSETS.at(-1)!])('writes opset %i (a bound)', (opset) => {
    const out = join(dir, `ok${opset}.onnx`);
    const r = runCli(['export', '--golden', GOLDEN, '--out', out, '--opset', String(opset)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`opset ${opset},`);
    expect(Number(onnx.ModelProto.decode(readFileSync(out)).opsetImport[0]!.version)).toBe(opset);
  });

  it.each(['13', '18', '0', '-5', '1099511627776', '14.5', ''])(
    'refuses --opset %j as a usage error (exit 2), writing nothing',
    (opset) => {
      const out = join(dir, `bad${opset}.onnx`);
      const r = runCli(['export', '--golden', GOLDEN, '--out', out, `--opset=${opset}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--opset <n>' argument .* is invalid\. expected an integer from 14 to 17/);
      expect(existsSync(out)).toBe(false);
    },
  );
});

describe('deeprnn import on models ONNX Runtime would refuse', () => {
  const exported = join(dir, 'base.onnx');
  const ensureExport = (): InstanceType<typeof onnx.ModelProto> => {
    if (!existsSync(exported))
      expect(runCli(['export', '--golden', GOLDEN, '--out', exported, '--lengths']).code).toBe(0);
    return onnx.ModelProto.decode(readFileSync(exported));
  };
  const importOf = (m: InstanceType<typeof onnx.ModelProto>, name: string): ReturnType<typeof runCli> => {
    const file = join(dir, `${name}.onnx`);
    writeFileSync(file, onnx.ModelProto.encode(m).finish());
    return runCli([
      'import',
      file,
      '--config-out',
      join(dir, `${name}.json`),
      '--out',
      join(dir, `${name}.safetensors`),
    ]);
  };

  it.each([IMPORT_OPSETS.min, IMPORT_OPSETS.max])('imports opset %i (a bound)', (v) => {
    const m = ensureExport();
    m.opsetImport = [onnx.OperatorSetIdProto.create({ domain: '', version: v })];
    const r = importOf(m, `op${v}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it.each([IMPORT_OPSETS.min - 1, IMPORT_OPSETS.max + 1, 0, -5, 2 ** 40])('refuses opset %i with exit 3', (v) => {
    const m = ensureExport();
    m.opsetImport = [onnx.OperatorSetIdProto.create({ domain: '', version: v })];
    const r = importOf(m, `op_bad${v}`);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`opset_import version (ai.onnx) must be an integer in [7, 26], got ${v}`);
  });

  it('refuses a node without hidden_size and an int64 sequence_lens with exit 3, naming node and field', () => {
    const m = ensureExport();
    m.metadataProps = [];
    const gru = m.graph!.node!.find((n) => n.opType === 'GRU')!;
    gru.attribute = gru.attribute!.filter((a) => a.name !== 'hidden_size');
    const r = importOf(m, 'nohidden');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`node '${gru.name}' (GRU): attribute hidden_size is missing`);
    const m2 = ensureExport();
    m2.metadataProps = [];
    m2.graph!.input!.find((i) => i.name === 'sequence_lens')!.type!.tensorType!.elemType = 7;
    const r2 = importOf(m2, 'lens64');
    expect(r2.code).toBe(3);
    expect(r2.stderr).toMatch(/input sequence_lens \('sequence_lens'\) must be int32, got int64/);
  });
});
