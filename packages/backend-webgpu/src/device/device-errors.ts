import { BackendDisposedError, DeviceError } from '@deeprnn/core';

/**
 * Runs `work` (which records, submits and waits for device work) inside WebGPU error scopes, so a
 * command the device refuses (validation) or cannot allocate (out of memory) becomes a
 * {@link DeviceError} instead of a call that silently returns whatever its buffers held.
 *
 * A call cut short by a dispose or a lost device fails with WebGPU's bare `AbortError` (empty
 * message, from the readback); it becomes a {@link BackendDisposedError} when `isDisposed()` says
 * the backend or model went away while it ran, else a {@link DeviceError} naming why the device
 * was lost. The original error rides along as `cause`.
 */
export async function withDeviceErrors<T>(
  device: GPUDevice,
  who: string,
  work: () => Promise<T>,
  isDisposed: () => boolean = () => false,
): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: { value: T } | { error: unknown };
  try {
    result = { value: await work() };
  } catch (error) {
    result = { error };
  }
  // Scopes pop last-pushed first: validation, then out-of-memory. On a lost device both are null.
  const [validation, memory] = await Promise.all([device.popErrorScope(), device.popErrorScope()]);
  const failure = validation ?? memory;
  if (!('error' in result) && !failure) return result.value;
  const error = 'error' in result ? result.error : failure;
  if (isDisposed()) {
    throw new BackendDisposedError(
      `${who}: disposed while the call ran (dispose() waits for nothing on the device); its results do not exist`,
      { cause: error },
    );
  }
  const lost = await lostInfo(device);
  if (lost) {
    const why = lost.message ? `${lost.reason}: ${lost.message}` : lost.reason;
    throw new DeviceError(
      `${who}: the WebGPU device was lost while the call ran (${why}); its results do not exist: create a new backend`,
      { cause: error },
    );
  }
  if (failure) {
    const kind = validation ? 'refused the work (validation)' : 'ran out of memory';
    throw new DeviceError(`${who}: the WebGPU device ${kind}: ${failure.message.split('\n')[0]}`, { cause: failure });
  }
  throw error;
}

/** The device's loss info when it is already lost, else null (never waits for a loss to come). */
function lostInfo(device: GPUDevice): Promise<GPUDeviceLostInfo | null> {
  // Race order: an already-resolved `lost` settles first; a pending one loses to the resolved null.
  return Promise.race([device.lost, Promise.resolve(null)]);
}
