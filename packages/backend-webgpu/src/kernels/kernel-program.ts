/**
 * A compute kernel described as data: its bindings (with the shape each holds), its named uniforms,
 * workgroup size and WGSL. The binding declarations and the uniform struct are generated from the
 * description, and uniform values are packed by name, so a kernel's WGSL and the host code that
 * binds and fills it cannot disagree on an order. Modelled on tfjs-backend-webgpu's program objects
 * and onnxruntime-web's named uniforms; our own code.
 */

/** The WGSL type of one uniform field. */
export type UniformType = 'u32' | 'f32';

/** One field of a kernel's uniform struct. */
export interface UniformField {
  readonly name: string;
  readonly type: UniformType;
  /** Padding up to WebGPU's 16-byte struct size: never set by the host (packed as 0). */
  readonly isPadding?: boolean;
}

/** One storage binding: `var<storage, access> name: array<element>`. */
export interface StorageBinding {
  readonly name: string;
  /** Element type of the array (`f32`, `u32`, `VT`, `vec4<f32>`). */
  readonly element: string;
  readonly access: 'read' | 'read_write';
  /** What the array holds, as its logical shape (documentation, e.g. `[T*B][D*G*H]`). */
  readonly shape: string;
}

/** A kernel: what is needed to declare, compile, bind and fill it. */
export interface KernelProgram {
  /** Kernel name, for errors and the snapshot tests. */
  readonly name: string;
  /** Fields of the uniform struct (bound at 0 as `p`), or empty: then storage bindings start at 0. */
  readonly uniforms: readonly UniformField[];
  /** The uniform struct's WGSL name. */
  readonly structName: string;
  readonly bindings: readonly StorageBinding[];
  /** `@workgroup_size` of the entry point. */
  readonly workgroupSize: readonly number[];
  /** The full WGSL source, built from {@link declarations}; also the pipeline cache key. */
  readonly code: string;
}

/** The generated declarations a kernel's source places: the uniform struct and the bindings. */
export interface KernelDeclarations {
  /** `struct <name> { f: u32, ... }` (no newline), or '' without uniforms. */
  readonly struct: string;
  /** One `@group(0) @binding(i) var...;` line per binding, the uniform first, joined by newlines. */
  readonly bindings: string;
}

/** Helper for padding fields: `pad('p0', 'p1')`. */
export function pad(...names: string[]): UniformField[] {
  return names.map((name) => ({ name, type: 'u32', isPadding: true }));
}

/** u32 fields by name: `u32s('T', 'B')`. */
export function u32s(...names: string[]): UniformField[] {
  return names.map((name) => ({ name, type: 'u32' }));
}

/** The uniform struct and binding lines of a kernel description. */
export function declarations(
  uniforms: readonly UniformField[],
  structName: string,
  bindings: readonly StorageBinding[],
): KernelDeclarations {
  const lines: string[] = [];
  if (uniforms.length > 0) lines.push(`@group(0) @binding(0) var<uniform> p: ${structName};`);
  bindings.forEach((b) =>
    lines.push(`@group(0) @binding(${lines.length}) var<storage, ${b.access}> ${b.name}: array<${b.element}>;`),
  );
  const struct =
    uniforms.length > 0 ? `struct ${structName} { ${uniforms.map((f) => `${f.name}: ${f.type}`).join(', ')} }` : '';
  return { struct, bindings: lines.join('\n') };
}

/**
 * Describes a kernel: `source` receives the generated declarations and returns the whole WGSL
 * (it decides where they go among its constants and functions).
 */
export function kernelProgram(
  d: Omit<KernelProgram, 'code' | 'structName'> & {
    readonly structName?: string;
    readonly source: (decl: KernelDeclarations) => string;
  },
): KernelProgram {
  const structName = d.structName ?? 'Params';
  const code = d.source(declarations(d.uniforms, structName, d.bindings));
  return { name: d.name, uniforms: d.uniforms, structName, bindings: d.bindings, workgroupSize: d.workgroupSize, code };
}

/** Bytes of a program's uniform block (4 per field; WebGPU needs a multiple of 16, which the padding fields give). */
export function uniformBytes(program: Pick<KernelProgram, 'name' | 'uniforms'>): number {
  return 4 * program.uniforms.length;
}

/**
 * Packs uniform values by field name into the program's uniform block. Every non-padding field
 * must be given and no other name: a misspelt or forgotten field is an error, not a silent zero.
 *
 * @throws {@link RangeError} on a missing or unknown field, or a u32 field given a value that is
 *   not an integer in [0, 2^32).
 */
export function packUniforms(
  program: Pick<KernelProgram, 'name' | 'uniforms'>,
  values: Readonly<Record<string, number>>,
): ArrayBuffer {
  const data = new ArrayBuffer(uniformBytes(program));
  const u32 = new Uint32Array(data);
  const f32 = new Float32Array(data);
  const known = new Set<string>();
  program.uniforms.forEach((f, i) => {
    known.add(f.name);
    if (f.isPadding) return;
    const v = values[f.name];
    if (v === undefined) throw new RangeError(`${program.name}: uniform ${f.name} has no value`);
    if (f.type === 'f32') {
      f32[i] = v;
    } else {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
        throw new RangeError(`${program.name}: uniform ${f.name} = ${v} is not a u32`);
      u32[i] = v;
    }
  });
  for (const name of Object.keys(values)) {
    if (!known.has(name)) throw new RangeError(`${program.name}: it has no uniform named ${name}`);
  }
  return data;
}

/** The storage binding index of `name` (after the uniform, when the program has one). */
export function bindingIndex(program: Pick<KernelProgram, 'name' | 'uniforms' | 'bindings'>, name: string): number {
  const i = program.bindings.findIndex((b) => b.name === name);
  if (i < 0) throw new RangeError(`${program.name}: it has no binding named ${name}`);
  return i + (program.uniforms.length > 0 ? 1 : 0);
}

/**
 * Bind group entries of a program by binding name: every binding must be given (a buffer, or a
 * buffer range), and the uniform when the program has one.
 *
 * @throws {@link RangeError} on a missing or unknown binding.
 */
export function bindEntries(
  program: Pick<KernelProgram, 'name' | 'uniforms' | 'bindings'>,
  uniform: GPUBindingResource | null,
  buffers: Readonly<Record<string, GPUBuffer | GPUBufferBinding>>,
): GPUBindGroupEntry[] {
  const entries: GPUBindGroupEntry[] = [];
  if (program.uniforms.length > 0) {
    if (!uniform) throw new RangeError(`${program.name}: its uniform block has no buffer`);
    entries.push({ binding: 0, resource: uniform });
  }
  for (const b of program.bindings) {
    const given = buffers[b.name];
    if (!given) throw new RangeError(`${program.name}: binding ${b.name} has no buffer`);
    entries.push({ binding: bindingIndex(program, b.name), resource: 'buffer' in given ? given : { buffer: given } });
  }
  for (const name of Object.keys(buffers)) bindingIndex(program, name);
  return entries;
}
