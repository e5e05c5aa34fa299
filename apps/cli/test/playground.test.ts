import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlaygroundServer } from '../src/playground-server.js';

describe('the playground server', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'deeprnn-page-'));
    writeFileSync(join(root, 'index.html'), '<p>page</p>');
    writeFileSync(join(root, 'a.wasm'), new Uint8Array([0, 97, 115, 109]));
    writeFileSync(join(tmpdir(), 'deeprnn-secret.txt'), 'outside');
    ({ server, url } = await startPlaygroundServer({ root, port: 0, corpus: async () => 'the corpus' }));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves the page on 127.0.0.1 cross-origin isolated, with wasm as application/wasm', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    expect(await page.text()).toBe('<p>page</p>');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect((await fetch(`${url}a.wasm`)).headers.get('content-type')).toBe('application/wasm');
  });

  it('serves the corpus at /corpus.txt', async () => {
    expect(await (await fetch(`${url}corpus.txt`)).text()).toBe('the corpus');
  });

  it('answers 404 for missing files and for paths outside the page', async () => {
    expect((await fetch(`${url}missing.js`)).status).toBe(404);
    expect((await fetch(`${url}..%2Fdeeprnn-secret.txt`)).status).toBe(404);
  });
});
