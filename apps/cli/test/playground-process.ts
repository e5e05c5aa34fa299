import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { cliMain, repoRoot } from './run-cli.js';

/** A `deeprnn playground` child process serving on 127.0.0.1. */
export interface PlaygroundProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Sends SIGTERM and waits (at most 5 s) for the process to end. */
  stop(): Promise<void>;
}

/** Starts the built `deeprnn playground` with `args`; resolves once it prints its URL (20 s at most). */
export async function startPlaygroundProcess(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<PlaygroundProcess> {
  const child = spawn(process.execPath, [cliMain, 'playground', '--port', '0', ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`deeprnn playground printed no URL in 20 s: ${out}${err}`)),
      20_000,
    );
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const found = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve(Number(found[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`deeprnn playground exited with ${code}: ${out}${err}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  };
  return { child, port, stderr: () => err, stop };
}

/** What {@link rawRequest} sends; the path goes out byte for byte (no URL normalisation, unlike fetch). */
export interface RawRequest {
  readonly port: number;
  readonly path: string;
  readonly method?: string;
  /** The Host header; default `127.0.0.1:<port>`. */
  readonly host?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The answer to a {@link rawRequest}. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** One HTTP/1.1 request on its own connection, with a 10 s limit. */
export function rawRequest(r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: r.port,
        path: r.path,
        method: r.method ?? 'GET',
        agent: false,
        setHost: false,
        headers: { Host: r.host ?? `127.0.0.1:${r.port}`, ...r.headers },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${r.method ?? 'GET'} ${r.path} in 10 s`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

/**
 * Starts a download of `path` and drops the connection as soon as the headers arrive, as a browser
 * does when a page is closed mid-download. Resolves with the status the server sent.
 */
export function abortedDownload(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let isAnswered = false;
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 10_000 }, (res) => {
      isAnswered = true;
      resolve(res.statusCode ?? 0);
      res.destroy();
      req.destroy();
    });
    req.on('timeout', () => req.destroy(new Error(`no headers for ${path} in 10 s`)));
    // After the deliberate drop the socket may still report a reset; only an error before the answer counts.
    req.on('error', (e) => (isAnswered ? undefined : reject(e)));
    req.end();
  });
}
