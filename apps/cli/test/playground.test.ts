import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenServedFile, openServedFile } from '../src/playground-files.js';
import { startPlaygroundServer } from '../src/playground-server.js';
import { rawRequest } from './playground-process.js';

const SIZE = 1024 * 1024; // four chunks

/** Opens files for real, but every read of a file named `broken*` fails as a disk would (EIO). */
function failingReads(failFromByte: number): OpenServedFile {
  return async (path, options) => {
    const file = await openServedFile(path, options);
    if (file === null || !/broken[^/]*$/.test(path)) return file;
    return {
      size: file.size,
      close: () => file.close(),
      read: async (buffer, position) => {
        if (position >= failFromByte)
          throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' });
        return file.read(buffer, position);
      },
    };
  };
}

describe('the playground server, in process', () => {
  let server: Server;
  let url: string;
  let port = 0;
  const logged: string[] = [];
  let closes = 0;

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'deeprnn-page-'));
    writeFileSync(join(root, 'index.html'), '<p>page</p>');
    writeFileSync(join(root, 'a.wasm'), new Uint8Array([0, 97, 115, 109]));
    writeFileSync(join(root, 'broken-early.bin'), new Uint8Array(SIZE));
    writeFileSync(join(root, 'broken-late.bin'), new Uint8Array(SIZE));
    const corpusPath = join(root, 'corpus.source');
    writeFileSync(corpusPath, 'the corpus');
    const early = failingReads(0);
    const late = failingReads(SIZE / 2);
    const openFile: OpenServedFile = async (path, options) => {
      const file = await (path.includes('broken-late') ? late : early)(path, options);
      return file && { size: file.size, read: (b, p) => file.read(b, p), close: () => ((closes += 1), file.close()) };
    };
    ({ server, url } = await startPlaygroundServer({
      root,
      port: 0,
      corpusPath,
      openFile,
      log: (line) => logged.push(line),
    }));
    port = Number(new URL(url).port);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves the page on 127.0.0.1 cross-origin isolated, with wasm as application/wasm and the corpus as text', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    expect(await page.text()).toBe('<p>page</p>');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${url}a.wasm`)).headers.get('content-type')).toBe('application/wasm');
    const corpus = await fetch(`${url}corpus.txt`);
    expect(await corpus.text()).toBe('the corpus');
    expect(corpus.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  it('answers 500 when a file fails to read before its headers, closes it, and keeps serving', async () => {
    const before = closes;
    const r = await rawRequest({ port, path: '/broken-early.bin' });
    expect(r.status).toBe(500);
    expect(r.body).toBe('the file could not be read\n');
    expect(r.body).not.toContain(tmpdir());
    expect(closes).toBe(before + 1);
    expect(logged.at(-1)).toMatch(/GET \/broken-early\.bin: read failed: EIO/);
    expect(await (await fetch(url)).text()).toBe('<p>page</p>');
  });

  it('drops only that connection when a read fails mid-download, and keeps serving', async () => {
    const before = closes;
    await expect(rawRequest({ port, path: '/broken-late.bin' })).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    await expect.poll(() => closes, { timeout: 2_000 }).toBe(before + 1);
    expect(logged.at(-1)).toMatch(/GET \/broken-late\.bin: read failed: EIO/);
    expect((await fetch(url)).status).toBe(200);
  });

  it('answers a corpus removed after start-up with a 500 that names no local path', async () => {
    const root = mkdtempSync(join(tmpdir(), 'deeprnn-page-'));
    writeFileSync(join(root, 'index.html'), '<p>page</p>');
    const corpusPath = join(root, 'corpus.source');
    writeFileSync(corpusPath, 'text');
    const lines: string[] = [];
    const other = await startPlaygroundServer({ root, port: 0, corpusPath, log: (line) => lines.push(line) });
    try {
      rmSync(corpusPath);
      const r = await fetch(`${other.url}corpus.txt`);
      expect(r.status).toBe(500);
      expect(await r.text()).toBe('the file could not be opened\n');
      expect(lines.join('\n')).toContain(corpusPath); // the person running the server is told where
      expect((await fetch(other.url)).status).toBe(200);
    } finally {
      await new Promise<void>((resolve) => other.server.close(() => resolve()));
    }
  });

  it('answers 404 for missing files and folders, 400 for paths outside the page', async () => {
    expect((await fetch(`${url}missing.js`)).status).toBe(404);
    expect((await rawRequest({ port, path: '/assets' })).status).toBe(404);
    expect((await rawRequest({ port, path: '/..%2Fdeeprnn-secret.txt' })).status).toBe(400);
  });
});
