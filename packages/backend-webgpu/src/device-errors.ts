import { DeviceError } from '@deeprnn/core';

/**
 * Runs `work` (which records, submits and waits for device work) inside WebGPU error scopes, so a
 * command the device refuses (validation) or cannot allocate (out of memory) becomes a
 * {@link DeviceError} instead of a call that silently returns whatever its buffers held.
 */
export async function withDeviceErrors<T>(device: GPUDevice, who: string, work: () => Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: { value: T } | { error: unknown };
  try {
    result = { value: await work() };
  } catch (error) {
    result = { error };
  }
  // Scopes pop last-pushed first: validation, then out-of-memory.
  const [validation, memory] = await Promise.all([device.popErrorScope(), device.popErrorScope()]);
  const failure = validation ?? memory;
  if (failure) {
    const kind = validation ? 'refused the work (validation)' : 'ran out of memory';
    throw new DeviceError(`${who}: the WebGPU device ${kind}: ${failure.message.split('\n')[0]}`, { cause: failure });
  }
  if ('error' in result) throw result.error;
  return result.value;
}
