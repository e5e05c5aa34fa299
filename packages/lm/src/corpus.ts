import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '@deeprnn/core';
import { writeFileAtomic } from './atomic-write.js';

/** Where d2l's code downloads "The Time Machine" from (`d2l.DATA_URL + 'timemachine.txt'`). */
export const TIME_MACHINE_URL = 'http://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt';

/** SHA-1 of d2l's copy of the text, checked on every download. */
export const TIME_MACHINE_SHA1 = '090b5e7e70c295757f55df93cb0a180b9691891a';

/** The file name the corpus is stored under, in DEEPRNN_DATA_DIR and in the cache. */
export const TIME_MACHINE_FILE = 'timemachine.txt';

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
 * The text of H. G. Wells' "The Time Machine" as d2l distributes it: from `$DEEPRNN_DATA_DIR`, else
 * the cache folder, else downloaded from {@link TIME_MACHINE_URL}, checked against
 * {@link TIME_MACHINE_SHA1} and written to the cache atomically (temp file + rename).
 *
 * @returns the path of the file and its text.
 * @throws {@link FormatError} when a download fails or its SHA-1 differs (nothing is written then).
 * @example
 * ```ts
 * const { text } = await timeMachine();
 * ```
 */
export async function timeMachine(options: TimeMachineOptions = {}): Promise<{ path: string; text: string }> {
  const env = options.env ?? process.env;
  const dataDir = env.DEEPRNN_DATA_DIR;
  if (dataDir) {
    const path = join(dataDir, TIME_MACHINE_FILE);
    if (existsSync(path)) return { path, text: await readFile(path, 'utf8') };
  }
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const cached = join(cacheDir, TIME_MACHINE_FILE);
  if (existsSync(cached)) return { path: cached, text: await readFile(cached, 'utf8') };
  if (options.download === false) {
    throw new FormatError(`timeMachine: ${TIME_MACHINE_FILE} is not in DEEPRNN_DATA_DIR (${dataDir ?? 'unset'}) nor in ${cacheDir}, and downloading is off`);
  }
  const get = options.fetch ?? ((url: string) => fetch(url));
  let bytes: Uint8Array;
  try {
    const res = await get(TIME_MACHINE_URL);
    if (!res.ok) throw new FormatError(`HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new FormatError(`timeMachine: downloading ${TIME_MACHINE_URL} failed; set DEEPRNN_DATA_DIR to a folder holding ${TIME_MACHINE_FILE}`, { cause: e });
  }
  const sum = sha1Hex(bytes);
  if (sum !== TIME_MACHINE_SHA1) {
    throw new FormatError(`timeMachine: ${TIME_MACHINE_URL} has SHA-1 ${sum}, expected ${TIME_MACHINE_SHA1}; not saved`);
  }
  await mkdir(cacheDir, { recursive: true });
  await writeFileAtomic(cached, bytes);
  return { path: cached, text: new TextDecoder().decode(bytes) };
}

/** Reads any local text file as a corpus. */
export async function readCorpus(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
