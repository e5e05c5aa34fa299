/**
 * WebGPU's flag values (fixed by the specification). Dawn in Node does not define the
 * `GPUBufferUsage`/`GPUMapMode` globals unless asked to, and this package installs no globals.
 */
export const BufferUsage: Readonly<Record<'MAP_READ' | 'COPY_SRC' | 'COPY_DST' | 'UNIFORM' | 'STORAGE', number>> =
  Object.freeze({
    MAP_READ: 0x0001,
    COPY_SRC: 0x0004,
    COPY_DST: 0x0008,
    UNIFORM: 0x0040,
    STORAGE: 0x0080,
  });

/** `GPUMapMode.READ`. */
export const MAP_MODE_READ: number = 0x0001;
