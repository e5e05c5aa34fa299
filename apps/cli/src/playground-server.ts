import { realpath } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type OpenServedFile, type ServedFile, openPageFile, openServedFile } from './playground-files.js';
import { SAFETY_HEADERS, TEXT_TYPE, contentType } from './playground-headers.js';
import { type Refusal, checkRequest, isRefusal } from './playground-request.js';
import { sendFile } from './playground-send.js';

/** What {@link startPlaygroundServer} serves. */
export interface PlaygroundServerOptions {
  /** The built page (apps/playground/dist); only regular files below it, reached without symbolic links, are served. */
  readonly root: string;
  /** Port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** The training corpus served at /corpus.txt; the caller checks it before starting. */
  readonly corpusPath: string;
  /** Receives one line per request that failed on the server's side (a 500); the line may name local paths. */
  readonly log?: (line: string) => void;
  /** How files are opened (default: the file system); tests inject read failures here. */
  readonly openFile?: OpenServedFile;
}

/** A running playground server. */
export interface PlaygroundServer {
  readonly server: Server;
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
}

// Answers never name local paths (a page may read them); the log line does, for the person running it.
function refuse(res: ServerResponse, r: Refusal): void {
  const body = `${r.message}\n`;
  res.writeHead(r.status, {
    ...SAFETY_HEADERS,
    'Content-Type': TEXT_TYPE,
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
    ...r.headers,
  });
  res.end(body);
}

/** The request as a log line shows it: a client's bytes never reach the terminal as escape sequences. */
function requestLine(req: IncomingMessage): string {
  return `${req.method ?? '?'} ${(req.url ?? '').replace(/[^\x21-\x7e]/g, '?').slice(0, 200)}`;
}

function reasonOf(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const text = e instanceof Error ? e.message : String(e);
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  o: PlaygroundServerOptions,
  root: string,
  openFile: OpenServedFile,
): Promise<void> {
  const checked = checkRequest(req);
  if (isRefusal(checked)) {
    refuse(res, checked);
    return;
  }
  const isCorpus = checked.segments.length === 1 && checked.segments[0] === 'corpus.txt';
  let opened: ServedFile | Refusal | null;
  try {
    // The corpus is the user's own file, named on the command line: links to it are fine.
    opened = isCorpus
      ? await openFile(o.corpusPath, { followLinks: true })
      : await openPageFile(root, checked.segments, openFile);
  } catch (e) {
    o.log?.(`${requestLine(req)}: cannot open ${isCorpus ? o.corpusPath : 'the file'}: ${reasonOf(e)}`);
    refuse(res, { status: 500, message: 'the file could not be opened' });
    return;
  }
  if (opened === null) {
    o.log?.(`${requestLine(req)}: the corpus ${o.corpusPath} is no longer a regular file`);
    refuse(res, { status: 500, message: 'the corpus could not be opened' });
    return;
  }
  if (isRefusal(opened)) {
    refuse(res, opened);
    return;
  }
  try {
    await sendFile(res, opened, isCorpus ? TEXT_TYPE : contentType(checked.segments.at(-1)!), checked.isHead);
  } catch (e) {
    o.log?.(`${requestLine(req)}: read failed: ${reasonOf(e)}`);
    // Before the headers a 500 can still be sent; after them only a dropped connection says "incomplete".
    if (res.headersSent) res.destroy();
    else refuse(res, { status: 500, message: 'the file could not be read' });
  }
}

/**
 * Serves the built playground on 127.0.0.1, cross-origin isolated (COOP/COEP) with nosniff, and the
 * corpus at /corpus.txt. Only GET and HEAD, only the hosts 127.0.0.1 and localhost, no request bodies,
 * URLs up to `MAX_URL_LENGTH` characters, no paths that leave `root` or pass a symbolic link. A
 * failed read answers 500 (or drops that one connection) and the server goes on serving.
 *
 * @returns the server and its URL.
 * @throws the `listen` error (`EADDRINUSE`, `EACCES`) when the port cannot be had.
 */
export async function startPlaygroundServer(o: PlaygroundServerOptions): Promise<PlaygroundServer> {
  const root = await realpath(o.root);
  const openFile = o.openFile ?? openServedFile;
  const server = createServer({ maxHeaderSize: 8192 }, (req, res) => {
    answer(req, res, o, root, openFile).catch((e: unknown) => {
      o.log?.(`${requestLine(req)}: ${reasonOf(e)}`);
      if (res.headersSent) res.destroy();
      else refuse(res, { status: 500, message: 'internal error' });
    });
  });
  // A client that never finishes its headers holds a socket; these bound how long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/` };
}
