import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError } from '@deeprnn/core';
import { writeFileAtomic } from './atomic-write.js';
import { readFileWithin, readTextWithin } from './bounded-read.js';
import { MAX_CORPUS_BYTES } from './read-limits.js';

/** Where d2l's code downloads "The Time Machine" from (`d2l.DATA_URL + 'timemachine.txt'`). */
export const TIME_MACHINE_URL = 'http://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt';

/** SHA-1 of d2l's copy of the text, checked on every download. */
export const TIME_MACHINE_SHA1 = '090b5e7e70c295757f55df93cb0a180b9691891a';

/** The file name the corpus is stored under, in DEEPRNN_DATA_DIR and in the cache. */
export const TIME_MACHINE_FILE = 'timemachine.txt';

/**
 * The absolute path of the copy of "The Time Machine" shipped inside this package (`data/timemachine.txt`,
 * public domain, the same bytes as d2l's copy: SHA-1 {@link TIME_MACHINE_SHA1}), so that training runs
 * with no network. A server can serve this file as the playground's corpus.
 *
 * @returns the path; the file is part of the package (its `files`), so it exists in an installed copy.
 * @example
 * ```ts
 * const text = await readCorpus(bundledCorpusPath());
 * ```
 */
export function bundledCorpusPath(): string {
  // dist/corpus.js (and src/corpus.ts under the tests) sit one folder below the package root.
  return fileURLToPath(new URL(`../data/${TIME_MACHINE_FILE}`, import.meta.url));
}

/** Where {@link timeMachine} looks for the text and how it may download it. */
export interface TimeMachineOptions {
  /** Environment to read `DEEPRNN_DATA_DIR` and `XDG_CACHE_HOME` from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Cache folder; default `$XDG_CACHE_HOME/deeprnn` or `~/.cache/deeprnn`. */
  readonly cacheDir?: string;
  /** Downloader; default the global `fetch`. Tests pass a stub (no network in tests). */
  readonly fetch?: (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;
  /** Set false to fail instead of downloading. Default true. */
  readonly download?: boolean;
  /** Most bytes to read from `DEEPRNN_DATA_DIR` or the cache; default {@link MAX_CORPUS_BYTES}. */
  readonly maxBytes?: number;
  /** How the caller raises the limit, for the error; default `pass a larger maxBytes to timeMachine`. */
  readonly raise?: string;
  /** The shipped copy ({@link bundledCorpusPath}); tests point it elsewhere to exercise the fallbacks. */
  readonly bundledPath?: string;
}

/** Hex SHA-1 of some bytes. */
export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** The default cache folder: `$XDG_CACHE_HOME/deeprnn`, else `~/.cache/deeprnn`. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'deeprnn');
}

/**
 * The text of H. G. Wells' "The Time Machine" as d2l distributes it: from `$DEEPRNN_DATA_DIR` when it
 * holds `timemachine.txt`, else the copy shipped in this package ({@link bundledCorpusPath}, no network),
 * else the cache folder, else downloaded from {@link TIME_MACHINE_URL}, checked against
 * {@link TIME_MACHINE_SHA1} and written to the cache atomically (temp file + rename). The shipped copy is
 * checked against the SHA-1 too; the cache and download are for a package whose copy was removed.
 *
 * @returns the path of the file and its text.
 * @throws {@link FormatError} when a download fails or its SHA-1 differs (nothing is written then);
 *   {@link SizeLimitError} when a file found is over `maxBytes` or not a regular file.
 * @example
 * ```ts
 * const { text } = await timeMachine();
 * ```
 */
export async function timeMachine(options: TimeMachineOptions = {}): Promise<{ path: string; text: string }> {
  const env = options.env ?? process.env;
  const maxBytes = options.maxBytes ?? MAX_CORPUS_BYTES;
  const limit = {
    maxBytes,
    name: 'corpus limit',
    raise: options.raise ?? 'pass a larger maxBytes to timeMachine to read it',
  };
  const dataDir = env.DEEPRNN_DATA_DIR;
  if (dataDir) {
    const path = join(dataDir, TIME_MACHINE_FILE);
    if (existsSync(path)) return { path, text: await readTextWithin(path, limit) };
  }
  const bundled = options.bundledPath ?? bundledCorpusPath();
  if (existsSync(bundled)) {
    const bytes = await readFileWithin(bundled, limit);
    const sum = sha1Hex(bytes);
    if (sum !== TIME_MACHINE_SHA1) {
      throw new FormatError(
        `timeMachine: the shipped ${bundled} has SHA-1 ${sum}, expected ${TIME_MACHINE_SHA1}; reinstall @deeprnn/lm or set DEEPRNN_DATA_DIR`,
      );
    }
    return { path: bundled, text: new TextDecoder().decode(bytes) };
  }
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const cached = join(cacheDir, TIME_MACHINE_FILE);
  if (existsSync(cached)) return { path: cached, text: await readTextWithin(cached, limit) };
  if (options.download === false) {
    throw new FormatError(
      `timeMachine: ${TIME_MACHINE_FILE} is not in DEEPRNN_DATA_DIR (${dataDir ?? 'unset'}), nor shipped at ${bundled}, nor in ${cacheDir}, and downloading is off`,
    );
  }
  const get = options.fetch ?? ((url: string) => fetch(url));
  let bytes: Uint8Array;
  try {
    const res = await get(TIME_MACHINE_URL);
    if (!res.ok) throw new FormatError(`HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new FormatError(
      `timeMachine: downloading ${TIME_MACHINE_URL} failed; set DEEPRNN_DATA_DIR to a folder holding ${TIME_MACHINE_FILE}`,
      { cause: e },
    );
  }
  const sum = sha1Hex(bytes);
  if (sum !== TIME_MACHINE_SHA1) {
    throw new FormatError(
      `timeMachine: ${TIME_MACHINE_URL} has SHA-1 ${sum}, expected ${TIME_MACHINE_SHA1}; not saved`,
    );
  }
  await mkdir(cacheDir, { recursive: true });
  await writeFileAtomic(cached, bytes);
  return { path: cached, text: new TextDecoder().decode(bytes) };
}

/** Options of {@link readCorpus}. */
export interface ReadCorpusOptions {
  /** Most bytes to read; default {@link MAX_CORPUS_BYTES} (64 MiB). */
  readonly maxBytes?: number;
  /** How the caller raises the limit, for the error; default `pass a larger maxBytes to readCorpus`. */
  readonly raise?: string;
}

/**
 * Reads any local text file as a corpus, within a size limit.
 *
 * @throws {@link SizeLimitError} when the file is over the limit or not a regular file (a device, a FIFO).
 */
export async function readCorpus(path: string, options: ReadCorpusOptions = {}): Promise<string> {
  const raise = options.raise ?? 'pass a larger maxBytes to readCorpus to read it';
  return readTextWithin(path, { maxBytes: options.maxBytes ?? MAX_CORPUS_BYTES, name: 'corpus limit', raise });
}
