import { type RnnSpec, type RnnState, UnsupportedError, directionCount, gateCount, outputSize } from '@deeprnn/core';
import { BufferUsage } from '../device/gpu-flags.js';

/** Offsets of per-dispatch uniform blocks must be multiples of this (WebGPU's default alignment). */
export const UNIFORM_SLOT_BYTES = 256;

/** The device buffers of forward calls of one (T, B) shape; reused while the shape repeats. */
export interface RunBuffers {
  readonly T: number;
  readonly B: number;
  /** Layer-0 input, time-major [T, B, I]. */
  readonly input: GPUBuffer;
  /** Input projection of the current layer, [T*B, D*G*H]. */
  readonly projected: GPUBuffer;
  /** Layer outputs [T, B, D*Hout], alternating: layer l writes layers[l % 2]. */
  readonly layers: readonly [GPUBuffer, GPUBuffer];
  /** Initial states: h0 [L*D, B, Hout] then c0 [L*D, B, H]. */
  readonly state0: GPUBuffer;
  /** Final states, same layout. */
  readonly stateN: GPUBuffer;
  /** Valid steps per batch row, u32. */
  readonly lengths: GPUBuffer;
  /** Two uniform slots per layer: the recurrent kernel's, then the projection's. */
  readonly uniforms: GPUBuffer;
  /** Output then final states, for the one readback. */
  readonly staging: GPUBuffer;
  /** Words of the output and of each state buffer. */
  readonly outputWords: number;
  readonly stateWords: number;
  /** Batch rows per recurrent workgroup that the bind groups' pipeline was compiled for. */
  readonly rowsPerWorkgroup: number;
  /** Bind groups per layer, built once per buffer set. */
  readonly bindGroups: { projection: GPUBindGroup; recurrent: GPUBindGroup }[];
}

/** Words of h rows and of the whole state buffer for a call. */
export function stateWords(spec: RnnSpec, B: number): { h: number; total: number } {
  const rows = spec.numLayers * directionCount(spec);
  const h = rows * B * outputSize(spec);
  return { h, total: h + (spec.mode === 'lstm' ? rows * B * spec.hiddenSize : 0) };
}

/** A state (zeros when absent) as the kernels read it: h `[L*D, B, Hout]`, then c `[L*D, B, H]`. */
export function packState(spec: RnnSpec, B: number, state: RnnState | null | undefined): Float32Array {
  const words = stateWords(spec, B);
  const data = new Float32Array(words.total);
  if (state) {
    data.set(state.h.data);
    if (state.c) data.set(state.c.data, words.h);
  }
  return data;
}

/**
 * Allocates the buffers of a (T, B) call.
 *
 * @throws {@link UnsupportedError} when one would exceed the device's storage-binding limit.
 */
export function createRunBuffers(
  device: GPUDevice,
  spec: RnnSpec,
  T: number,
  B: number,
): Omit<RunBuffers, 'bindGroups' | 'rowsPerWorkgroup'> {
  const D = directionCount(spec);
  const rows = T * B;
  const words = {
    input: rows * spec.inputSize,
    projected: rows * D * gateCount(spec.mode) * spec.hiddenSize,
    layer: rows * D * outputSize(spec),
  };
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  for (const [name, n] of Object.entries(words)) {
    if (n * 4 > limit) {
      throw new UnsupportedError(
        `webgpu forward: the ${name} buffer for T=${T}, B=${B} needs ${n * 4} bytes, more than the device's ${limit}-byte storage binding limit; split the sequence or the batch`,
      );
    }
  }
  const groups = device.limits.maxComputeWorkgroupsPerDimension;
  if (B > groups) {
    throw new UnsupportedError(
      `webgpu forward: batch ${B} needs more recurrent workgroups than the device's ${groups} per dispatch; split the batch`,
    );
  }
  const state = stateWords(spec, B).total;
  const storage = (n: number, extra = 0): GPUBuffer =>
    device.createBuffer({ size: Math.max(4, n * 4), usage: BufferUsage.STORAGE | extra });
  const DST = BufferUsage.COPY_DST;
  const SRC = BufferUsage.COPY_SRC;
  return {
    T,
    B,
    input: storage(words.input, DST),
    projected: storage(words.projected),
    layers: [storage(words.layer, SRC), storage(words.layer, SRC)],
    state0: storage(state, DST),
    stateN: storage(state, SRC),
    lengths: storage(B, DST),
    uniforms: device.createBuffer({ size: 2 * spec.numLayers * UNIFORM_SLOT_BYTES, usage: BufferUsage.UNIFORM | DST }),
    staging: device.createBuffer({ size: (words.layer + state) * 4, usage: BufferUsage.MAP_READ | DST }),
    outputWords: words.layer,
    stateWords: state,
  };
}

/** Frees every buffer of a set. */
export function destroyRunBuffers(b: Omit<RunBuffers, 'bindGroups' | 'rowsPerWorkgroup'>): void {
  for (const buffer of [b.input, b.projected, ...b.layers, b.state0, b.stateN, b.lengths, b.uniforms, b.staging])
    buffer.destroy();
}
