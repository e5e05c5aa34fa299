import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './run-cli.js';

// Hostile Keras / tfjs-layers files through the CLI: one line on stderr, exit 3 (input) or 4 (output), no stack.
const fixtures = join(repoRoot, 'fixtures/keras');
const oneLine = (stderr: string): void => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('deeprnn import / export with hostile Keras files', () => {
  it('a .keras zip bomb is stopped at DEEPRNN_MAX_INPUT_BYTES (exit 3), the message says how to raise it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-keras-bad-'));
    const entries = unzipSync(new Uint8Array(readFileSync(join(fixtures, 'keras3_embedding_simplernn_softmax.keras'))));
    writeFileSync(
      join(dir, 'bomb.keras'),
      zipSync({ ...entries, 'model.weights.h5': new Uint8Array(8 * 2 ** 20) }, { level: 9 }),
    );
    const r = runCli(
      ['import', join(dir, 'bomb.keras'), '--out', join(dir, 'w.safetensors'), '--config-out', join(dir, 'c.json')],
      { DEEPRNN_MAX_INPUT_BYTES: '1000000' },
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /model.weights.h5 is 8388608 bytes, over the limit of 1000000 bytes; set DEEPRNN_MAX_INPUT_BYTES/,
    );
    oneLine(r.stderr);
  });

  it('a model.json whose shard path leaves its folder is refused (exit 3)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-keras-bad-'));
    const json = JSON.parse(readFileSync(join(fixtures, 'keras2_bidir_gru_ave.tfjs/model.json'), 'utf8')) as {
      weightsManifest: { paths: string[] }[];
    };
    json.weightsManifest[0]!.paths = ['../../../../etc/passwd'];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    const r = runCli([
      'import',
      join(dir, 'model.json'),
      '--out',
      join(dir, 'w.safetensors'),
      '--config-out',
      join(dir, 'c.json'),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/shard path "..\/..\/..\/..\/etc\/passwd" must be a relative path/);
    oneLine(r.stderr);
  });

  it('an export whose shard cannot be written is an output error (exit 4) naming the cause', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-keras-bad-'));
    expect(
      runCli([
        'import',
        join(fixtures, 'keras2_bidir_gru_ave.tfjs/model.json'),
        '--out',
        join(dir, 'w.safetensors'),
        '--config-out',
        join(dir, 'c.json'),
      ]).code,
    ).toBe(0);
    mkdirSync(join(dir, 'out/weights.bin'), { recursive: true });
    const r = runCli([
      'export',
      '--config',
      join(dir, 'c.json'),
      '--weights',
      join(dir, 'w.safetensors'),
      '--format',
      'tfjs-layers',
      '--out',
      join(dir, 'out'),
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/--out: keras: cannot write the tfjs-layers model into .* \(EISDIR\)/);
    oneLine(r.stderr);
  });
});
