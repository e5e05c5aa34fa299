import { describe, expect, it } from 'vitest';
import { bindEntries, declarations, kernelProgram, packUniforms, pad, u32s } from '../src/kernels/kernel-program.js';

const program = kernelProgram({
  name: 'toy',
  uniforms: [...u32s('n', 'offset'), { name: 'scale', type: 'f32' }, ...pad('p0')],
  bindings: [
    { name: 'x', element: 'f32', access: 'read', shape: '[n]' },
    { name: 'y', element: 'vec4<f32>', access: 'read_write', shape: '[n / 4]' },
  ],
  workgroupSize: [64],
  source: (d) => `${d.struct}\n${d.bindings}\n@compute @workgroup_size(64) fn main() {}`,
});

describe('KernelProgram', () => {
  it('generates the uniform struct and the binding declarations in order, the uniform at 0', () => {
    expect(program.code).toBe(`struct Params { n: u32, offset: u32, scale: f32, p0: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4<f32>>;
@compute @workgroup_size(64) fn main() {}`);
  });

  it('numbers storage bindings from 0 without uniforms', () => {
    const d = declarations([], 'P', [{ name: 'a', element: 'u32', access: 'read', shape: '' }]);
    expect(d).toEqual({ struct: '', bindings: '@group(0) @binding(0) var<storage, read> a: array<u32>;' });
  });

  it('packs uniforms by name whatever the order they are given in, u32 and f32, padding zero', () => {
    const data = packUniforms(program, { scale: 0.5, offset: 7, n: 3 });
    expect(data.byteLength).toBe(16);
    expect(Array.from(new Uint32Array(data))).toEqual([3, 7, new Uint32Array(Float32Array.of(0.5).buffer)[0], 0]);
    expect(new Float32Array(data)[2]).toBe(0.5);
  });

  it('refuses a missing, unknown or non-u32 value', () => {
    expect(() => packUniforms(program, { n: 3, scale: 1 })).toThrow(/toy: uniform offset has no value/);
    expect(() => packUniforms(program, { n: 3, offset: 0, scale: 1, ofset: 2 })).toThrow(/no uniform named ofset/);
    expect(() => packUniforms(program, { n: -1, offset: 0, scale: 1 })).toThrow(/n = -1 is not a u32/);
    expect(() => packUniforms(program, { n: 1.5, offset: 0, scale: 1 })).toThrow(/not a u32/);
  });

  it('binds buffers by name at their binding numbers', () => {
    const x = { label: 'x' } as unknown as GPUBuffer;
    const y = { label: 'y' } as unknown as GPUBuffer;
    const u = { buffer: { label: 'u' } as unknown as GPUBuffer, offset: 256, size: 16 };
    expect(bindEntries(program, u, { y, x })).toEqual([
      { binding: 0, resource: u },
      { binding: 1, resource: { buffer: x } },
      { binding: 2, resource: { buffer: y } },
    ]);
    expect(() => bindEntries(program, u, { x })).toThrow(/binding y has no buffer/);
    expect(() => bindEntries(program, u, { x, y, z: x })).toThrow(/no binding named z/);
    expect(() => bindEntries(program, null, { x, y })).toThrow(/uniform block has no buffer/);
  });
});
