import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TIME_MACHINE_FILE, TIME_MACHINE_SHA1, TIME_MACHINE_URL, sha1Hex, timeMachine } from '../src/node.js';
import { tempDir } from './fixtures.js';

const noNetwork = (): never => {
  throw new Error('tests must not download');
};

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
    const got = await timeMachine({ env: { DEEPRNN_DATA_DIR: tempDir() }, cacheDir: cache, fetch: noNetwork });
    expect(got).toEqual({ path: join(cache, TIME_MACHINE_FILE), text: 'cached' });
  });

  it('rejects a download with the wrong SHA-1 and writes nothing', async () => {
    const cache = join(tempDir(), 'cache');
    let asked = '';
    const fetch = (url: string): Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> => {
      asked = url;
      return Promise.resolve({ ok: true, status: 200, arrayBuffer: () => Promise.resolve(new TextEncoder().encode('not the book').buffer) });
    };
    await expect(timeMachine({ env: {}, cacheDir: cache, fetch })).rejects.toThrow(/SHA-1/);
    expect(asked).toBe(TIME_MACHINE_URL);
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
  });

  it('saves a verified download atomically into the cache', async () => {
    // The stub serves bytes whose SHA-1 we check against the constant only when the real book is here.
    const real = '/work/shared/data/timemachine.txt';
    if (!existsSync(real)) return;
    const bytes = readFileSync(real);
    expect(sha1Hex(bytes)).toBe(TIME_MACHINE_SHA1);
    const cache = join(tempDir(), 'c');
    mkdirSync(cache);
    const fetch = (): Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> =>
      Promise.resolve({ ok: true, status: 200, arrayBuffer: () => Promise.resolve(new Uint8Array(bytes).buffer) });
    const got = await timeMachine({ env: {}, cacheDir: cache, fetch });
    expect(readdirSync(cache)).toEqual([TIME_MACHINE_FILE]);
    expect(got.text.length).toBe(bytes.toString('utf8').length);
  });

  it('fails with a hint when downloading is off', async () => {
    await expect(timeMachine({ env: {}, cacheDir: tempDir(), download: false })).rejects.toThrow(/DEEPRNN_DATA_DIR/);
  });
});
