import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  TIME_MACHINE_FILE,
  TIME_MACHINE_SHA1,
  TIME_MACHINE_URL,
  bundledCorpusPath,
  loadCorpus,
  sha1Hex,
  timeMachine,
} from '../src/node.js';
import { tempDir } from './fixtures.js';

const noNetwork = (): never => {
  throw new Error('tests must not download');
};

/** Where no shipped copy is, to exercise the cache and the download. */
const notShipped = (): string => join(tempDir(), 'not-shipped.txt');

describe('the shipped corpus', () => {
  it("is inside the package, listed in its files, with the SHA-1 of d2l's copy", () => {
    const path = bundledCorpusPath();
    expect(path).toBe(fileURLToPath(new URL('../data/timemachine.txt', import.meta.url)));
    expect(sha1Hex(readFileSync(path))).toBe(TIME_MACHINE_SHA1);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('data');
  });

  it('is what timeMachine() reads without DEEPRNN_DATA_DIR, with no download attempted', async () => {
    let asked = 0;
    const fetch = (): never => {
      asked++;
      throw new Error('tests must not download');
    };
    const cache = tempDir();
    const got = await timeMachine({ env: {}, cacheDir: cache, fetch });
    expect(asked).toBe(0);
    expect(got.path).toBe(bundledCorpusPath());
    expect(sha1Hex(new TextEncoder().encode(got.text))).toBe(TIME_MACHINE_SHA1);
    expect(readdirSync(cache)).toEqual([]);
    expect(loadCorpus(got.text).vocab.size).toBe(28); // d2l's vocabulary of the book
  });

  it('is refused when its bytes were changed (a damaged install)', async () => {
    const fake = join(tempDir(), TIME_MACHINE_FILE);
    writeFileSync(fake, 'not the book');
    await expect(timeMachine({ env: {}, bundledPath: fake, fetch: noNetwork })).rejects.toThrow(
      /has SHA-1 .*expected 090b5e7e/,
    );
  });
});

describe('timeMachine()', () => {
  it('reads DEEPRNN_DATA_DIR first', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, TIME_MACHINE_FILE), 'from data dir');
    const got = await timeMachine({ env: { DEEPRNN_DATA_DIR: dir }, cacheDir: tempDir(), fetch: noNetwork });
    expect(got.text).toBe('from data dir');
  });

  it('falls back to the cache folder', async () => {
    const cache = tempDir();
    writeFileSync(join(cache, TIME_MACHINE_FILE), 'cached');
    const got = await timeMachine({
      env: { DEEPRNN_DATA_DIR: tempDir() },
      cacheDir: cache,
      fetch: noNetwork,
      bundledPath: notShipped(),
    });
    expect(got).toEqual({ path: join(cache, TIME_MACHINE_FILE), text: 'cached' });
  });

  it('rejects a download with the wrong SHA-1 and writes nothing', async () => {
    const cache = join(tempDir(), 'cache');
    let asked = '';
    const fetch = (url: string): Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> => {
      asked = url;
      return Promise.resolve({
        ok: true,
        status: 200,
        arrayBuffer: () => Promise.resolve(new TextEncoder().encode('not the book').buffer),
      });
    };
    await expect(timeMachine({ env: {}, cacheDir: cache, fetch, bundledPath: notShipped() })).rejects.toThrow(/SHA-1/);
    expect(asked).toBe(TIME_MACHINE_URL);
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
  });

  it('saves a verified download atomically into the cache', async () => {
    // The stub serves the shipped book, whose SHA-1 is the download's constant.
    const bytes = readFileSync(bundledCorpusPath());
    expect(sha1Hex(bytes)).toBe(TIME_MACHINE_SHA1);
    const cache = join(tempDir(), 'c');
    mkdirSync(cache);
    const fetch = (): Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> =>
      Promise.resolve({ ok: true, status: 200, arrayBuffer: () => Promise.resolve(new Uint8Array(bytes).buffer) });
    const got = await timeMachine({ env: {}, cacheDir: cache, fetch, bundledPath: notShipped() });
    expect(readdirSync(cache)).toEqual([TIME_MACHINE_FILE]);
    expect(got.text.length).toBe(bytes.toString('utf8').length);
  });

  it('fails with a hint when downloading is off', async () => {
    await expect(
      timeMachine({ env: {}, cacheDir: tempDir(), download: false, bundledPath: notShipped() }),
    ).rejects.toThrow(/DEEPRNN_DATA_DIR/);
  });
});
