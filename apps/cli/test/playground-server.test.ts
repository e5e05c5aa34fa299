// `deeprnn playground` attacked over 127.0.0.1 as a local page, a DNS-rebinding page or a careless
// client would: methods, hosts, paths, sizes, aborted downloads. Each test talks to the real process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliMain, repoRoot } from './run-cli.js';
import { type PlaygroundProcess, abortedDownload, rawRequest, startPlaygroundProcess } from './playground-process.js';

const BIG = 8 * 1024 * 1024; // large enough that a download is still running when the client drops it

/** A built page in a temporary folder, with a secret beside it and symbolic links pointing out. */
function pageFolder(): { root: string; corpus: string } {
  const top = mkdtempSync(join(tmpdir(), 'deeprnn-serve-'));
  const root = join(top, 'page');
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(top, 'outside'));
  writeFileSync(join(root, 'index.html'), '<p>page</p>');
  writeFileSync(join(root, 'assets', 'app.js'), 'export {};');
  writeFileSync(join(root, 'big.bin'), new Uint8Array(BIG));
  writeFileSync(join(top, 'secret.txt'), 'secret');
  writeFileSync(join(top, 'outside', 'file.txt'), 'secret');
  symlinkSync(join(top, 'secret.txt'), join(root, 'link.txt'));
  symlinkSync(join(top, 'outside'), join(root, 'linked'));
  const corpus = join(top, 'corpus.txt');
  writeFileSync(corpus, 'a tiny corpus');
  return { root, corpus };
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

async function settle(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

describe('deeprnn playground, over 127.0.0.1', () => {
  let server: PlaygroundProcess;
  let port = 0;
  const get = (path: string, more: Partial<Parameters<typeof rawRequest>[0]> = {}): ReturnType<typeof rawRequest> =>
    rawRequest({ port, path, ...more });

  beforeAll(async () => {
    const { root, corpus } = pageFolder();
    server = await startPlaygroundProcess(['--dir', root, '--corpus', corpus]);
    port = server.port;
  });
  afterAll(async () => server.stop());

  it('serves the page and the corpus with COOP/COEP and nosniff', async () => {
    for (const [path, body, type] of [
      ['/', '<p>page</p>', 'text/html'],
      ['/corpus.txt', 'a tiny corpus', 'text/plain'],
    ] as const) {
      const r = await get(path);
      expect(r.status).toBe(200);
      expect(r.body).toBe(body);
      expect(r.headers['content-type']).toContain(type);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
    }
    expect((await get('/missing.js')).headers['x-content-type-options']).toBe('nosniff');
  });

  it.skipIf(!process.platform.startsWith('linux'))(
    'closes the file of every aborted download (file descriptors return to baseline)',
    async () => {
      const pid = server.child.pid!;
      expect((await get('/big.bin')).body).toHaveLength(BIG);
      await settle(200);
      const baseline = openFds(pid);
      for (let i = 0; i < 40; i += 1) expect(await abortedDownload(port, '/big.bin')).toBe(200);
      let now = openFds(pid);
      for (let i = 0; i < 50 && now > baseline; i += 1) {
        await settle(100);
        now = openFds(pid);
      }
      expect(now).toBeLessThanOrEqual(baseline);
      expect((await get('/')).status).toBe(200);
    },
  );

  it('answers 405 with Allow: GET, HEAD to every other method, and HEAD with headers only', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const r = await get('/', { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.allow, method).toBe('GET, HEAD');
    }
    const head = await get('/big.bin', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(BIG));
    expect(head.body).toBe('');
  });

  it('answers 400 to a malformed % in the path, and keeps serving', async () => {
    for (const path of ['/%', '/%zz', '/%E0%A4%A', '/assets/%C0']) expect((await get(path)).status, path).toBe(400);
    expect((await get('/assets/app.js')).status).toBe(200);
  });

  it('answers only to Host 127.0.0.1 and localhost (421 to others: DNS rebinding)', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      '127.0.0.1.evil.example',
      '[::1]',
      `localhost.evil.example:${port}`,
      '127.0.0.2',
    ]) {
      const r = await get('/', { host });
      expect(r.status, host).toBe(421);
      expect(r.body, host).not.toContain('page');
    }
    for (const host of ['127.0.0.1', `127.0.0.1:${port}`, 'localhost', `LocalHost:${port}`])
      expect((await get('/', { host })).status, host).toBe(200);
  });

  it('refuses paths that leave the page: .., encoded .., backslashes, NUL', async () => {
    const paths = [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/..%2Fsecret.txt',
      '/assets/..%5C..%5Csecret.txt',
      '/..\\secret.txt',
      '/assets\\..\\index.html',
      '/index.html%00.js',
      '/./index.html',
    ];
    for (const path of paths) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(r.body, path).not.toContain('secret');
    }
  });

  it('refuses symbolic links, to files and to folders, with 403', async () => {
    for (const path of ['/link.txt', '/linked/file.txt']) {
      const r = await get(path);
      expect(r.status, path).toBe(403);
      expect(r.body, path).not.toContain('secret');
    }
  });

  it('refuses request bodies (413) and over-long URLs (414)', async () => {
    expect((await get('/', { body: 'x'.repeat(100), headers: { 'Content-Length': '100' } })).status).toBe(413);
    expect((await get('/', { headers: { 'Transfer-Encoding': 'chunked' }, body: 'x' })).status).toBe(413);
    expect((await get(`/${'a'.repeat(3000)}`)).status).toBe(414);
    expect((await get('/')).status).toBe(200);
  });
});

describe('deeprnn playground start-up', () => {
  it('refuses a port that is not a decimal number from 0 to 65535 (exit 2, one line naming --port)', () => {
    // Every spelling is checked in flag-values.test.ts; these two prove the flag is wired to the parser.
    for (const value of ['', '0x1f90']) {
      const r = spawnSync(process.execPath, [cliMain, 'playground', '--port', value], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 15_000,
      });
      expect(r.status, `--port '${value}'`).toBe(2);
      expect(r.stderr.trim().split('\n'), `--port '${value}'`).toHaveLength(1);
      expect(r.stderr, `--port '${value}'`).toMatch(/--port/);
    }
  });

  it('says the port is in use (exit 2, one line)', async () => {
    const { root } = pageFolder();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const r = spawnSync(process.execPath, [cliMain, 'playground', '--port', String(taken), '--dir', root], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 15_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`port ${taken} is (already )?in use`));
      expect(r.stderr).not.toMatch(/cannot read/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('serves the Time Machine shipped in @deeprnn/lm when --corpus is not given (no network, no DEEPRNN_DATA_DIR)', async () => {
    const { root } = pageFolder();
    const env = { ...process.env };
    delete env.DEEPRNN_DATA_DIR;
    const server = await startPlaygroundProcess(['--dir', root], env);
    try {
      const r = await rawRequest({ port: server.port, path: '/corpus.txt' });
      expect(r.status).toBe(200);
      expect(r.body.startsWith('The Time Machine, by H. G. Wells')).toBe(true);
      expect(r.body.length).toBeGreaterThan(170_000);
    } finally {
      await server.stop();
    }
  });

  it('checks --corpus at start-up: a missing file or a folder is exit 3, one line', async () => {
    const { root } = pageFolder();
    const fifo = join(root, 'corpus.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // A FIFO nobody writes would block the first reader forever: refused at start-up instead.
    for (const corpus of [join(root, 'no-such-corpus.txt'), join(root, 'assets'), fifo]) {
      const r = spawnSync(process.execPath, [cliMain, 'playground', '--dir', root, '--corpus', corpus], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 15_000,
      });
      expect(r.status, corpus).toBe(3);
      expect(r.stderr.trim().split('\n'), corpus).toHaveLength(1);
      expect(r.stderr, corpus).toMatch(/--corpus/);
    }
  });
});
