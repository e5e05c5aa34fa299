import { InvalidArgumentError } from 'commander';

// Parsers for commander options: each turns the flag's text into a value or throws, so that a bad
// value is a usage error before any work starts. Commander words the error as
// "option '--repeats <n>' argument '0' is invalid. expected an integer >= 1".

/** An integer flag of at least `min` (decimal digits only: '1e3', '0x10' and '' are refused). */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

/** A finite number flag of at least `min`. */
export function numberAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`expected a number >= ${min}`);
    return n;
  };
}

/** A flag that takes one of a fixed set of words. */
export function oneOf<T extends string>(values: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${values.join(', ')}`);
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
    if (items.some((s) => s === '')) throw new InvalidArgumentError('expected a name or a comma-separated list of names');
    return [...(previous ?? []), ...items.map(parse)];
  };
}

/** An integer flag from `min` to `max`. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

/**
 * A TCP port flag: decimal digits only, 0 to 65535, no sign, spaces or leading zeros ('', '-0',
 * '0x1f90', '1e3' and '05180' are refused). 0 asks the system for any free port.
 */
export function portNumber(value: string): number {
  if (!/^(?:0|[1-9]\d{0,4})$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError('expected a decimal port from 0 to 65535 (0: any free port)');
  }
  return Number(value);
}
