import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
};

// Cross-origin isolation: multi-threaded wasm (SharedArrayBuffer) in tfjs and onnxruntime-web needs it.
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** What {@link startPlaygroundServer} serves. */
export interface PlaygroundServerOptions {
  /** The built page (apps/playground/dist). */
  readonly root: string;
  /** Port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Returns the training corpus served at /corpus.txt (read once, on first request). */
  readonly corpus: () => Promise<string>;
}

/**
 * Serves the built playground on 127.0.0.1 with COOP/COEP headers, and the corpus at /corpus.txt.
 * Only files under `root` are served; anything else is a 404.
 *
 * @returns the server and its URL.
 */
export async function startPlaygroundServer(o: PlaygroundServerOptions): Promise<{ server: Server; url: string }> {
  let corpus: Promise<string> | null = null;
  const server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      if (path === '/corpus.txt') {
        corpus ??= o.corpus();
        const text = await corpus.catch((e: unknown) => {
          corpus = null;
          throw e;
        });
        res.writeHead(200, { ...ISOLATION, 'Content-Type': MIME['.txt']! });
        res.end(text);
        return;
      }
      const file = normalize(join(o.root, path.endsWith('/') ? `${path}index.html` : path));
      if (!file.startsWith(o.root + sep) && file !== o.root) throw Object.assign(new Error('outside the page'), { status: 404 });
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw Object.assign(new Error(`not found: ${path}`), { status: 404 });
      res.writeHead(200, { ...ISOLATION, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Content-Length': info.size });
      createReadStream(file).pipe(res);
    })().catch((e: unknown) => {
      const status = (e as { status?: number }).status ?? 500;
      if (!res.headersSent) res.writeHead(status, { ...ISOLATION, 'Content-Type': MIME['.txt']! });
      res.end(e instanceof Error ? e.message : String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/` };
}

/** Reads a text file as the corpus. */
export async function corpusFile(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
