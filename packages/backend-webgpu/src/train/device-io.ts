import { BufferUsage, MAP_MODE_READ } from '../device/gpu-flags.js';

/** A storage buffer holding `data`. */
export function storageWith(device: GPUDevice, data: Float32Array, extra = 0): GPUBuffer {
  const buffer = device.createBuffer({
    size: Math.max(4, data.byteLength),
    usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST | extra,
    mappedAtCreation: true,
  });
  new Float32Array(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}

/** Copies word ranges of device buffers to the host in one submit and one map. */
export async function readWords(
  device: GPUDevice,
  ranges: readonly { readonly buffer: GPUBuffer; readonly words: number }[],
): Promise<Float32Array[]> {
  const total = ranges.reduce((s, r) => s + r.words, 0);
  const staging = device.createBuffer({
    size: Math.max(4, total * 4),
    usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
  });
  try {
    const encoder = device.createCommandEncoder();
    let at = 0;
    for (const r of ranges) {
      if (r.words > 0) encoder.copyBufferToBuffer(r.buffer, 0, staging, at * 4, r.words * 4);
      at += r.words;
    }
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(MAP_MODE_READ);
    const all = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    let from = 0;
    return ranges.map((r) => {
      const part = all.slice(from, from + r.words);
      from += r.words;
      return part;
    });
  } finally {
    staging.destroy();
  }
}
