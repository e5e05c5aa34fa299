import { InvalidArgumentError } from 'commander';

// Parsers for commander options: each turns the flag's text into a value or throws, so that a bad
// value is a usage error before any work starts. Commander words the error as
// "option '--repeats <n>' argument '0' is invalid. expected an integer >= 1".

// Integers are decimal digits with an optional '-' and no leading zeros; numbers add a fraction and
// an exponent. Nothing else: no spaces, '+', '-0', '0x10', '1e3' for an integer, 'Infinity' or ''.
const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * The integer a flag's text spells, or null when it spells none (see the rules above) or is past
 * 2^53; the one integer parser of the CLI (flags, lists and DEEPRNN_MAX_INPUT_BYTES).
 */
export function strictInteger(text: string): number | null {
  if (!INTEGER.test(text) || text === '-0') return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** The finite number a flag's text spells, or null (decimal only, see the rules above). */
export function strictNumber(text: string): number | null {
  if (!NUMBER.test(text) || /^-0(?:\.0+)?(?:[eE]|$)/.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** An integer flag from `min` to `max`. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = strictInteger(value);
    if (n === null || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

/** An integer flag of at least `min`. */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = strictInteger(value);
    if (n === null || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

/** A finite number flag of at least `min`. */
export function numberAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = strictNumber(value);
    if (n === null || n < min) throw new InvalidArgumentError(`expected a number >= ${min}`);
    return n;
  };
}

/** A flag that takes one of a fixed set of words. */
export function oneOf<T extends string>(values: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(values as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${values.join(', ')}`);
    return value as T;
  };
}

/**
 * A flag that may be given several times, each time one value or a comma-separated list; every item
 * goes through `parse`. Give it no default: commander passes the previous result as `previous`.
 */
export function repeatable<T>(parse: (value: string) => T): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => {
    const items = value.split(',').map((s) => s.trim());
    if (items.some((s) => s === ''))
      throw new InvalidArgumentError('expected a name or a comma-separated list of names');
    return [...(previous ?? []), ...items.map(parse)];
  };
}

/**
 * A TCP port flag: decimal digits only, 0 to 65535, no sign, spaces or leading zeros ('', '-0',
 * '0x1f90', '1e3' and '05180' are refused). 0 asks the system for any free port.
 */
export function portNumber(value: string): number {
  const n = strictInteger(value);
  if (n === null || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a decimal port from 0 to 65535 (0: any free port)');
  return n;
}
