import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SizeLimitError } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, loadModel, readCorpus, readFileWithin, timeMachine } from '../src/node.js';
import { tempDir } from './fixtures.js';

const limit = (maxBytes: number): { maxBytes: number; name: string; raise: string } => ({
  maxBytes,
  name: 'test limit',
  raise: 'raise it in the test',
});

function fifo(): string {
  const path = join(tempDir(), 'fifo');
  execFileSync('mkfifo', [path]);
  return path;
}

describe('readFileWithin', () => {
  it('reads a file at the limit and below it, refuses one byte over, naming the file and the limit', async () => {
    const file = join(tempDir(), 'ten.bin');
    writeFileSync(file, '0123456789');
    expect(new TextDecoder().decode(await readFileWithin(file, limit(10)))).toBe('0123456789');
    expect((await readFileWithin(file, limit(11))).length).toBe(10);
    const over = readFileWithin(file, limit(9));
    await expect(over).rejects.toBeInstanceOf(SizeLimitError);
    await expect(over).rejects.toThrow(`${file} is 10 bytes, over the test limit of 9 bytes; raise it in the test`);
  });

  it.skipIf(!existsSync('/dev/zero'))('refuses /dev/zero (a device without end) before reading it', async () => {
    const read = readFileWithin('/dev/zero', limit(2 ** 30));
    await expect(read).rejects.toBeInstanceOf(SizeLimitError);
    await expect(read).rejects.toThrow('/dev/zero is a character device, expected a regular file');
  });

  it.skipIf(process.platform === 'win32')(
    'refuses a FIFO nobody writes at once instead of waiting forever',
    async () => {
      const started = Date.now();
      await expect(readFileWithin(fifo(), limit(100))).rejects.toThrow(
        /is a FIFO \(named pipe\), expected a regular file/,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    },
  );

  it('refuses a folder and a non-integer limit', async () => {
    await expect(readFileWithin(tempDir(), limit(100))).rejects.toThrow(/is a folder, expected a regular file/);
    const file = join(tempDir(), 'x');
    writeFileSync(file, 'x');
    await expect(readFileWithin(file, limit(Number.NaN))).rejects.toThrow(/test limit must be a whole number of bytes/);
  });
});

describe('every reader of @deeprnn/lm/node goes through the limit', () => {
  it.skipIf(!existsSync('/dev/zero'))('readCorpus, loadModel, loadCheckpoint refuse /dev/zero', async () => {
    await expect(readCorpus('/dev/zero')).rejects.toThrow(/character device/);
    await expect(loadModel('/dev/zero')).rejects.toThrow(/character device/);
    await expect(loadCheckpoint('/dev/zero')).rejects.toThrow(/character device/);
  });

  it('readCorpus: the default limit and maxBytes', async () => {
    const file = join(tempDir(), 'c.txt');
    writeFileSync(file, 'abcdef');
    expect(await readCorpus(file, { maxBytes: 6 })).toBe('abcdef');
    await expect(readCorpus(file, { maxBytes: 5 })).rejects.toThrow(
      /is 6 bytes, over the corpus limit of 5 bytes; pass a larger maxBytes to readCorpus/,
    );
  });

  it('timeMachine applies the limit to DEEPRNN_DATA_DIR', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'timemachine.txt'), 'x'.repeat(100));
    await expect(timeMachine({ env: { DEEPRNN_DATA_DIR: dir }, maxBytes: 99 })).rejects.toThrow(
      /is 100 bytes, over the corpus limit of 99 bytes/,
    );
  });

  it('a FIFO in a model folder does not block', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'model.safetensors')]);
    await expect(loadModel(dir)).rejects.toThrow(/FIFO/);
  });
});
