import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  integerAtLeast,
  integerIn,
  numberAtLeast,
  portNumber,
  strictInteger,
  strictNumber,
} from '../src/flag-values.js';

describe('portNumber', () => {
  it('takes decimal ports from 0 (any free port) to 65535', () => {
    for (const [text, port] of [
      ['0', 0],
      ['80', 80],
      ['5180', 5180],
      ['65535', 65535],
    ] as const)
      expect(portNumber(text)).toBe(port);
  });

  it('refuses empty, signed, hexadecimal, exponent, fractional, padded and out-of-range values', () => {
    for (const text of [
      '',
      ' ',
      '-0',
      '+80',
      '-1',
      '0x1f90',
      '1e3',
      '80.0',
      '05180',
      ' 80',
      '80 ',
      '65536',
      '99999999',
      'NaN',
      'Infinity',
    ]) {
      expect(() => portNumber(text), `'${text}'`).toThrow(InvalidArgumentError);
      expect(() => portNumber(text), `'${text}'`).toThrow('expected a decimal port from 0 to 65535 (0: any free port)');
    }
  });
});

// Everything that is not a plain decimal integer, whatever its value would be.
const NOT_INTEGERS = [
  '',
  ' ',
  '-0',
  '+1',
  ' 1',
  '1 ',
  '\t2',
  '0x10',
  '1e3',
  '1.0',
  '01',
  '--1',
  'NaN',
  'Infinity',
  '9007199254740992',
];

describe('the one integer parser (integerIn, integerAtLeast, strictInteger)', () => {
  it('integerIn takes its bounds and refuses one below and one above (opset 14 to 17)', () => {
    const opset = integerIn(14, 17);
    expect(opset('14')).toBe(14);
    expect(opset('17')).toBe(17);
    for (const text of ['13', '18']) expect(() => opset(text), text).toThrow('expected an integer from 14 to 17');
  });

  it('integerAtLeast takes its bound and above, refuses one below (0 and 1)', () => {
    expect(integerAtLeast(0)('0')).toBe(0);
    expect(integerAtLeast(0)('1')).toBe(1);
    expect(() => integerAtLeast(0)('-1')).toThrow('expected an integer >= 0');
    expect(integerAtLeast(1)('1')).toBe(1);
    expect(() => integerAtLeast(1)('0')).toThrow('expected an integer >= 1');
  });

  it('negative bounds: a fast-check seed from -2^31 to 2^31-1', () => {
    const seed = integerIn(-(2 ** 31), 2 ** 31 - 1);
    expect(seed('-2147483648')).toBe(-(2 ** 31));
    expect(seed('2147483647')).toBe(2 ** 31 - 1);
    for (const text of ['-2147483649', '2147483648']) expect(() => seed(text), text).toThrow(InvalidArgumentError);
  });

  it('refuses -0, spaces, signs, other bases, exponents, fractions and leading zeros, whatever the range', () => {
    for (const text of NOT_INTEGERS) {
      expect(strictInteger(text), `'${text}'`).toBeNull();
      expect(() => integerAtLeast(0)(text), `'${text}'`).toThrow(InvalidArgumentError);
      expect(() => integerIn(-5, 5)(text), `'${text}'`).toThrow(InvalidArgumentError);
    }
    expect(strictInteger('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('numberAtLeast (strictNumber)', () => {
  it('takes decimals with a fraction or an exponent, at and above the bound', () => {
    for (const [text, n] of [
      ['0', 0],
      ['0.5', 0.5],
      ['1e-3', 0.001],
      ['2.5E2', 250],
      ['1', 1],
    ] as const)
      expect(numberAtLeast(0)(text), text).toBe(n);
    expect(() => numberAtLeast(0)('-0.001')).toThrow('expected a number >= 0');
  });

  it('refuses -0, spaces, signs, hexadecimal, infinities and empty text', () => {
    for (const text of ['', ' 1', '1 ', '+1', '-0', '-0.0', '0x10', 'Infinity', 'NaN', '1.', '.', '1e', '01.5']) {
      expect(strictNumber(text), `'${text}'`).toBeNull();
      expect(() => numberAtLeast(-1)(text), `'${text}'`).toThrow(InvalidArgumentError);
    }
  });
});
