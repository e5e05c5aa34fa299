import { ConfigError, FormatError, ParameterError, RnnError, SizeLimitError, UnknownBackendError } from '@deeprnn/core';
import { CommanderError } from 'commander';
import { EXIT_CODES, InputError, OutputError, UsageError } from './cli-errors.js';

/** What `deeprnn` prints for a failure (null: nothing, as after --help) and the code it exits with. */
export interface FailureReport {
  readonly line: string | null;
  readonly exitCode: number;
}

/** A Node.js system error (fs, streams): errno code, the call that failed and its path. */
interface SystemError extends Error {
  readonly code: string;
  readonly syscall?: string;
  readonly path?: string;
}

function isSystemError(e: unknown): e is SystemError {
  const code: unknown = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** Errno codes that mean "could not write", whatever the call. */
const OUTPUT_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EFBIG']);
/** Calls that write; a failure of any other call (open for reading, read, stat, scandir) is about input. */
const WRITING_CALLS = new Set([
  'write',
  'writev',
  'rename',
  'mkdir',
  'unlink',
  'rmdir',
  'copyfile',
  'fsync',
  'close',
  'ftruncate',
]);

/** "EACCES: permission denied, open '/x'" -> "permission denied". */
function systemReason(e: SystemError): string {
  const m = /^[A-Z]+: ([^,]+)/.exec(e.message);
  return m?.[1] ?? e.message;
}

function systemFailure(e: SystemError): FailureReport {
  if (e.code === 'EPIPE') return { line: null, exitCode: EXIT_CODES.brokenPipe };
  const isOutput = OUTPUT_CODES.has(e.code) || WRITING_CALLS.has(e.syscall ?? '');
  const where = e.path !== undefined ? ` ${e.path}` : '';
  const verb = isOutput ? 'write' : 'read';
  return {
    line: `cannot ${verb}${where}: ${systemReason(e)} (${e.code})`,
    exitCode: isOutput ? EXIT_CODES.output : EXIT_CODES.input,
  };
}

function exitCodeOf(e: RnnError): number {
  // A size over the limit comes from flags (--hidden, --layers) or a config the user chose: a usage error.
  if (
    e instanceof UsageError ||
    e instanceof ConfigError ||
    e instanceof UnknownBackendError ||
    e instanceof SizeLimitError
  )
    return EXIT_CODES.usage;
  if (e instanceof InputError || e instanceof FormatError || e instanceof ParameterError) return EXIT_CODES.input;
  if (e instanceof OutputError) return EXIT_CODES.output;
  return EXIT_CODES.runtime;
}

/** Messages are one line, whatever the thrower wrote. */
function oneLine(text: string): string {
  return text
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .join(' ');
}

/**
 * The one line and exit code for anything a command throws. The CLI's own errors print their message;
 * deeprnn's typed errors add their name and code; Node's file errors say what could not be read or
 * written; anything else is reported by name and message with a pointer to `--debug`.
 */
export function describeFailure(e: unknown): FailureReport {
  if (e instanceof CommanderError) {
    // --help and --version end this way too, with code 0 and their text already on stdout; no command
    // at all prints the help on stderr, a usage error.
    if (e.exitCode === 0) return { line: null, exitCode: 0 };
    if (e.code === 'commander.help') return { line: null, exitCode: EXIT_CODES.usage };
    return {
      line: `${oneLine(e.message.replace(/^error: /, ''))} (--help lists the options)`,
      exitCode: EXIT_CODES.usage,
    };
  }
  if (e instanceof UsageError || e instanceof InputError || e instanceof OutputError) {
    return { line: oneLine(e.message), exitCode: exitCodeOf(e) };
  }
  if (e instanceof RnnError) return { line: `${e.name} (${e.code}): ${oneLine(e.message)}`, exitCode: exitCodeOf(e) };
  if (isSystemError(e)) return systemFailure(e);
  if (e instanceof Error) {
    return {
      line: `${e.name}: ${oneLine(e.message)} (unexpected; --debug prints the stack)`,
      exitCode: EXIT_CODES.runtime,
    };
  }
  return { line: `failed: ${oneLine(String(e))}`, exitCode: EXIT_CODES.runtime };
}
