import { RnnError } from '@deeprnn/core';

/**
 * The exit codes of `deeprnn` (documented in the README). A failure prints one line on stderr and
 * exits with one of these; 1 is reserved for "ran, and some check failed".
 */
export const EXIT_CODES = {
  ok: 0,
  /** `check` or `golden` ran and some case failed (the table says which). */
  checkFailed: 1,
  /** A flag, argument or combination of them is wrong; nothing was run. */
  usage: 2,
  /** A file or folder to read is missing, a directory where a file was expected, or malformed. */
  input: 3,
  /** A file or folder could not be written: missing or read-only folder, disk full. */
  output: 4,
  /** The work itself failed: a backend did not start or could not run the model, or an unexpected error. */
  runtime: 5,
  /** Interrupted by Ctrl-C (SIGINT), after writing what it could. */
  interrupted: 130,
  /** Standard output was closed by its reader (`deeprnn ... | head`): stopped quietly, as Unix tools do. */
  brokenPipe: 141,
} as const;

/** A flag, argument or combination of flags is wrong (exit code 2). */
export class UsageError extends RnnError {
  readonly code = 'E_USAGE' as const;
}

/** A file or folder the command reads is missing, of the wrong kind, or malformed (exit code 3). */
export class InputError extends RnnError {
  readonly code = 'E_INPUT' as const;
}

/** A file or folder the command writes cannot be written (exit code 4). */
export class OutputError extends RnnError {
  readonly code = 'E_OUTPUT' as const;
}
