import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Training goes through the core trainer contract (Backend.createTrainer) and nothing else: this scans
// the sources of @deeprnn/lm and of the CLI's training commands for code that picks a training path
// by backend (a backend package import, a backend name compared, an instanceof on a backend class, the
// removed per-backend trainer helpers). Comments are stripped first, so prose may still name backends.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const BACKEND_NAMES = ['reference', 'tfjs', 'onnxruntime', 'webgpu'];

/** Backend-specific constructs found in `code` (comments removed), one line each. */
function backendSpecific(code: string, isNameLiteralBanned: boolean): string[] {
  const src = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const m of src.matchAll(/['"]@deeprnn\/backend-[\w-]+['"]/g)) found.push(`imports ${m[0]}`);
  for (const m of src.matchAll(/\binstanceof\s+(\w+)/g))
    if (!/^(Error|RnnError|\w+Error|Float32Array|Float64Array|Int32Array|Uint8Array)$/.test(m[1]!))
      found.push(`instanceof ${m[1]}`);
  for (const m of src.matchAll(/\.name\s*[!=]==?\s*['"](\w+)['"]/g)) found.push(`compares a backend name: ${m[0]}`);
  for (const m of src.matchAll(
    /\b(trainerFor|createTfjsTrainer|createTfjsRnn|TfjsTrainer|backendTrainer|forwardBackward\w*)\b/g,
  ))
    found.push(`uses ${m[1]}`);
  if (isNameLiteralBanned)
    for (const m of src.matchAll(/['"`](\w+)['"`]/g))
      if (BACKEND_NAMES.includes(m[1]!)) found.push(`names backend ${m[0]}`);
  return found;
}

/** The body of `async function name` (to its closing brace at column 0). */
function functionBody(code: string, name: string): string {
  const start = code.indexOf(`async function ${name}`);
  if (start < 0) return '';
  const end = code.indexOf('\n}\n', start);
  return code.slice(start, end < 0 ? undefined : end);
}

describe('no backend-specific training code path in @deeprnn/lm and the CLI', () => {
  it('the scanner sees what it must refuse (so the checks below can fail)', () => {
    expect(
      backendSpecific(
        `if (backend.name === 'tfjs') { const { TfjsBackend } = await import('@deeprnn/backend-tfjs'); if (backend instanceof TfjsBackend) return trainerFor(backend); }`,
        true,
      ),
    ).toEqual([
      "imports '@deeprnn/backend-tfjs'",
      'instanceof TfjsBackend',
      "compares a backend name: .name === 'tfjs'",
      'uses trainerFor',
      "names backend 'tfjs'",
    ]);
    expect(
      backendSpecific(`// the tfjs trainer: backend.name === 'tfjs'\nif (e instanceof Error) throw e;`, true),
    ).toEqual([]);
  });

  const lmDir = join(root, 'packages/lm/src');
  for (const file of readdirSync(lmDir).filter((f) => f.endsWith('.ts'))) {
    it(`packages/lm/src/${file}`, () => {
      expect(backendSpecific(readFileSync(join(lmDir, file), 'utf8'), true)).toEqual([]);
    });
  }

  const cli = join(root, 'apps/cli/src');
  it('apps/cli has no trainer-picking module', () => {
    expect(existsSync(join(cli, 'trainer-for.ts'))).toBe(false);
  });
  for (const file of ['commands/train.ts', 'commands/depth.ts', 'commands/generate.ts']) {
    it(`apps/cli/src/${file}`, () => {
      expect(backendSpecific(readFileSync(join(cli, file), 'utf8'), false)).toEqual([]);
    });
  }
  it('apps/cli/src/commands/bench.ts: the training benchmark', () => {
    const body = functionBody(readFileSync(join(cli, 'commands/bench.ts'), 'utf8'), 'benchTrain');
    expect(body).toContain('timeTrainStep');
    expect(backendSpecific(body, false)).toEqual([]);
  });
});
