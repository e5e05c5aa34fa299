// The page's error lines, checked in Node: a production build minifies class names, so a line must
// never start with `constructor.name` ("A: safetensors: ..."), only with what survives minification.
import { FormatError, RnnError, ShapeError } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { oneLine } from '../src/dom.js';

// What the minifier makes of core's classes: the same codes under one-letter names.
class A extends FormatError {}
class B extends ShapeError {}

describe('oneLine (the status line and document.title)', () => {
  it('starts an RnnError with its stable code, whatever its class is called after minification', () => {
    expect(new A('x').name).toBe('A');
    expect(oneLine(new A('safetensors: header length 9 exceeds the file'))).toBe(
      'E_FORMAT: safetensors: header length 9 exceeds the file',
    );
    expect(oneLine(new B('forward: input has 5 features, config.inputSize is 4'))).toBe(
      'E_SHAPE: forward: input has 5 features, config.inputSize is 4',
    );
    expect(oneLine(new FormatError('bad'))).toBe('E_FORMAT: bad');
  });

  it('names an error from another copy of core by its code too', () => {
    const foreign = Object.assign(new Error('lost'), { name: 'q', code: 'E_DEVICE' });
    expect(foreign instanceof RnnError).toBe(false);
    expect(oneLine(foreign)).toBe('E_DEVICE: lost');
  });

  it('keeps standard and DOM error names, and drops any other (possibly minified) name', () => {
    expect(oneLine(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(oneLine(new DOMException('the operation was aborted', 'AbortError'))).toBe(
      'AbortError: the operation was aborted',
    );
    class C extends Error {
      constructor(message: string) {
        super(message);
        this.name = 'C';
      }
    }
    expect(oneLine(new C('from a library'))).toBe('from a library');
    expect(oneLine(new Error('plain'))).toBe('plain');
    expect(oneLine(Object.assign(new Error(''), { code: 'E_DISPOSED' }))).toBe('E_DISPOSED');
  });

  it('is one line of at most 300 characters, and takes non-errors as text', () => {
    expect(oneLine(new ShapeError('first\nsecond'))).toBe('E_SHAPE: first');
    expect(oneLine(new Error('y'.repeat(400)))).toHaveLength(300);
    expect(oneLine('a string')).toBe('a string');
  });
});
