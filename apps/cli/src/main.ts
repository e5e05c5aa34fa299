#!/usr/bin/env node
import { EXIT_CODES, OutputError } from './cli-errors.js';
import { describeFailure } from './failure-report.js';
import { buildProgram } from './program.js';

// Every failure ends here: one line on stderr and a documented exit code (apps/cli/README.md);
// `--debug` prints the stack instead.
const isDebug = process.argv.includes('--debug');

function fail(e: unknown): void {
  const { line, exitCode } = describeFailure(e);
  if (line !== null) {
    const text = isDebug && e instanceof Error ? (e.stack ?? line) : `deeprnn: ${line}`;
    process.stderr.write(`${text}\n`);
  }
  process.exitCode = exitCode;
}

function failAndExit(e: unknown): void {
  fail(e);
  process.exit();
}

// A reader that goes away (`deeprnn bench --json | head -1`) ends the run quietly; a full disk
// under a redirect (`> /dev/full`) is one line.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT_CODES.brokenPipe);
  const reason = /^[A-Z]+: ([^,]+)/.exec(e.message)?.[1] ?? e.message;
  failAndExit(new OutputError(`cannot write to standard output: ${reason} (${e.code ?? 'error'})`));
});
process.stderr.on('error', () => process.exit(process.exitCode ?? EXIT_CODES.output));
process.on('uncaughtException', failAndExit);
process.on('unhandledRejection', failAndExit);

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  fail(e);
}
