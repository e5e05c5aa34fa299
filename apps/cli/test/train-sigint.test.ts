import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliMain, repoRoot, runCli } from './run-cli.js';

const TEXT = Array.from(
  { length: 80 },
  (_, i) => `the time traveller ${i % 3 ? 'smiled' : 'spoke'} of the fourth dimension ${i}`,
).join('\n');

describe('deeprnn train and Ctrl-C', () => {
  it('writes a checkpoint on SIGINT and --resume finishes the run to the same weights as an uninterrupted one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deeprnn-sigint-'));
    const corpus = join(dir, 'tiny.txt');
    writeFileSync(corpus, TEXT);
    const args = [
      'train',
      '--corpus',
      corpus,
      '--layers',
      '2',
      '--hidden',
      '16',
      '--batch',
      '4',
      '--steps',
      '8',
      '--max-tokens',
      '0',
      '--sample-every',
      '0',
      '--checkpoint-every',
      '0',
    ];
    const out = join(dir, 'interrupted');
    // Many epochs, so the run is still going when the signal arrives; the signal is sent once the
    // first epoch has been logged (polling the CSV, not a fixed sleep).
    const child = spawn(process.execPath, [cliMain, ...args, '--epochs', '400', '--out', out], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const csv = join(out, 'perplexity.csv');
    const deadline = Date.now() + 60_000;
    while (!(existsSync(csv) && readFileSync(csv, 'utf8').trim().split('\n').length >= 2) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toMatch(/interrupted: checkpoint written to/);
    expect(code).toBe(130); // 128 + SIGINT, the shell convention for an interrupted command
    expect(existsSync(join(out, 'checkpoint.safetensors'))).toBe(true);
    const meta = JSON.parse(readFileSync(join(out, 'checkpoint.safetensors.json'), 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(meta)).toMatch(/epoch/);
    // Resume to a short end point and compare with a straight run of the same length.
    const epochsDone = readFileSync(csv, 'utf8').trim().split('\n').length - 1;
    const total = epochsDone + 2;
    const resumed = runCli([...args, '--epochs', String(total), '--out', out, '--resume']);
    expect(resumed.code).toBe(0);
    const straight = join(dir, 'straight');
    expect(runCli([...args, '--epochs', String(total), '--out', straight]).code).toBe(0);
    expect(readFileSync(join(out, 'model.safetensors')).equals(readFileSync(join(straight, 'model.safetensors')))).toBe(
      true,
    );
  });
});
