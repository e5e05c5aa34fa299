import { DeviceError } from '@deeprnn/core';
import { afterAll, expect, it } from 'vitest';
import { withDeviceErrors } from '../src/device/device-errors.js';
import { BufferUsage } from '../src/device/gpu-flags.js';
import { describeOnAdapter, probeBackend } from './adapter.js';

const probe = await probeBackend();

describeOnAdapter('device errors', probe, (gpu) => {
  afterAll(() => gpu.dispose());

  it('turns work the device refuses into a DeviceError instead of a silent result', async () => {
    const device = gpu.gpuDevice;
    const work = withDeviceErrors(device, 'test', () => {
      // A buffer copy past the end of its source: WebGPU validation refuses it, and without an
      // error scope the submit would simply do nothing.
      const a = device.createBuffer({ size: 16, usage: BufferUsage.COPY_SRC });
      const b = device.createBuffer({ size: 64, usage: BufferUsage.COPY_DST });
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(a, 0, b, 0, 64);
      device.queue.submit([encoder.finish()]);
      return Promise.resolve(42);
    });
    await expect(work).rejects.toThrow(DeviceError);
    await expect(withDeviceErrors(device, 'test', () => Promise.resolve(7))).resolves.toBe(7);
  });

  it("passes the work's own error through when the device saw nothing wrong", async () => {
    await expect(withDeviceErrors(gpu.gpuDevice, 'test', () => Promise.reject(new RangeError('mine')))).rejects.toThrow(
      RangeError,
    );
  });
});
