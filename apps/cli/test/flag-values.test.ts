import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { portNumber } from '../src/flag-values.js';

describe('portNumber', () => {
  it('takes decimal ports from 0 (any free port) to 65535', () => {
    for (const [text, port] of [['0', 0], ['80', 80], ['5180', 5180], ['65535', 65535]] as const) expect(portNumber(text)).toBe(port);
  });

  it('refuses empty, signed, hexadecimal, exponent, fractional, padded and out-of-range values', () => {
    for (const text of ['', ' ', '-0', '+80', '-1', '0x1f90', '1e3', '80.0', '05180', ' 80', '80 ', '65536', '99999999', 'NaN', 'Infinity']) {
      expect(() => portNumber(text), `'${text}'`).toThrow(InvalidArgumentError);
      expect(() => portNumber(text), `'${text}'`).toThrow('expected a decimal port from 0 to 65535 (0: any free port)');
    }
  });
});
