import { BackendInitError, ConfigError, FormatError } from '@deeprnn/core';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, InputError, OutputError, UsageError } from '../src/cli-errors.js';
import { describeFailure } from '../src/failure-report.js';

const systemError = (code: string, syscall: string, path?: string): Error =>
  Object.assign(new Error(`${code}: some reason here, ${syscall}${path ? ` '${path}'` : ''}`), {
    code,
    syscall,
    ...(path ? { path } : {}),
  });

describe('describeFailure', () => {
  it('maps each kind of failure to its documented exit code and one line', () => {
    const rows: [unknown, number, RegExp][] = [
      [new UsageError('--x: expected a, got b'), EXIT_CODES.usage, /^--x: expected a, got b$/],
      [new ConfigError('hiddenSize must be >= 1'), EXIT_CODES.usage, /^ConfigError \(E_CONFIG\): hiddenSize/],
      [new InputError('in'), EXIT_CODES.input, /^in$/],
      [new FormatError('bad\nfile'), EXIT_CODES.input, /^FormatError \(E_FORMAT\): bad file$/],
      [new OutputError('out'), EXIT_CODES.output, /^out$/],
      [new BackendInitError('no device'), EXIT_CODES.runtime, /^BackendInitError \(E_BACKEND_INIT\): no device$/],
      [systemError('ENOSPC', 'write'), EXIT_CODES.output, /^cannot write: some reason here \(ENOSPC\)$/],
      [
        systemError('EACCES', 'rename', '/x/y'),
        EXIT_CODES.output,
        /^cannot write \/x\/y: some reason here \(EACCES\)$/,
      ],
      [systemError('ENOENT', 'open', '/x/y'), EXIT_CODES.input, /^cannot read \/x\/y: some reason here \(ENOENT\)$/],
      [
        new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"),
        EXIT_CODES.usage,
        /^unknown option '--x' \(--help lists the options\)$/,
      ],
      [
        new TypeError('x is undefined\n  more'),
        EXIT_CODES.runtime,
        /^TypeError: x is undefined more \(unexpected; --debug prints the stack\)$/,
      ],
      ['a string', EXIT_CODES.runtime, /^failed: a string$/],
    ];
    for (const [error, code, line] of rows) {
      const r = describeFailure(error);
      expect(r.exitCode, String(error)).toBe(code);
      expect(r.line).toMatch(line);
    }
  });

  it('is silent for --help, --version and a closed pipe', () => {
    expect(describeFailure(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({
      line: null,
      exitCode: 0,
    });
    expect(describeFailure(new CommanderError(1, 'commander.help', '(outputHelp)'))).toEqual({
      line: null,
      exitCode: EXIT_CODES.usage,
    });
    expect(describeFailure(systemError('EPIPE', 'write'))).toEqual({ line: null, exitCode: EXIT_CODES.brokenPipe });
  });
});
