import {
  type Backend,
  BackendDisposedError,
  type Capabilities,
  type RnnParams,
  type RnnSpec,
  UnsupportedError,
  type TrainerInit,
  defineSpec,
  storedLayerCount,
  validateParams,
} from '@deeprnn/core';
import { WEBGPU_CAPABILITIES, unsupportedReason } from './capabilities.js';
import { type DeviceRequest, acquireDevice } from './device/gpu-device.js';
import type { LayerWeights } from './forward/forward-encoder.js';
import type { KernelShape } from './kernels/kernel-plan.js';
import type { WebgpuModel } from './forward/model.js';
import { packLayer } from './forward/packed-weights.js';
import { PipelineCache } from './device/pipeline-cache.js';
import { BufferUsage } from './device/gpu-flags.js';
import { TrainableWebgpuModel } from './train/trainable-model.js';
import { trainingUnsupportedReason } from './train/trainable.js';
import { type WebgpuTrainer, createWebgpuTrainer } from './train/trainer.js';

/** Options of {@link createBackend}. */
export interface WebgpuBackendOptions extends DeviceRequest {
  /** Recurrent kernel shape (rows per workgroup, threads); the defaults were chosen by measurement. */
  readonly kernelShape?: KernelShape;
}

/** The WebGPU backend: {@link Backend} whose models report {@link WebgpuModel.lastRunStats}. */
export interface WebgpuBackend extends Backend {
  /** The device the kernels run on (the caller's, when one was passed). */
  readonly gpuDevice: GPUDevice;
  /** Why the training kernels cannot train `spec` (createTrainer, gradients), or null. */
  unsupportedTraining(spec: RnnSpec): string | null;
  createModel(spec: RnnSpec, params: RnnParams): Promise<WebgpuModel>;
  /** A trainer on the device (src/train): one command buffer and an 8-byte readback per step. */
  createTrainer(spec: RnnSpec, init: TrainerInit): Promise<WebgpuTrainer>;
}

function upload(device: GPUDevice, data: Float32Array): GPUBuffer {
  const buffer = device.createBuffer({
    size: Math.max(4, data.byteLength),
    usage: BufferUsage.STORAGE,
    mappedAtCreation: true,
  });
  new Float32Array(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}

class WebgpuBackendImpl implements WebgpuBackend {
  readonly name = 'webgpu';
  /** Nothing is passed over at start: one adapter, or an error that says what to install. */
  readonly notices: readonly string[] = [];
  readonly capabilities: Capabilities = WEBGPU_CAPABILITIES;
  private isDisposed = false;
  private readonly pipelines: PipelineCache;

  constructor(
    readonly gpuDevice: GPUDevice,
    readonly device: string,
    private readonly isOwned: boolean,
    private readonly shape: KernelShape,
  ) {
    this.pipelines = new PipelineCache(gpuDevice);
  }

  unsupported(spec: RnnSpec): string | null {
    return unsupportedReason(spec, this.pipelines.workgroupBytes);
  }

  unsupportedTraining(spec: RnnSpec): string | null {
    return (
      unsupportedReason(spec, this.pipelines.workgroupBytes) ??
      trainingUnsupportedReason(spec, this.pipelines.workgroupBytes)
    );
  }

  createModel(specIn: RnnSpec, params: RnnParams): Promise<WebgpuModel> {
    try {
      if (this.isDisposed) throw new BackendDisposedError('webgpu backend: createModel after dispose()');
      const spec = defineSpec(specIn);
      const reason = unsupportedReason(spec, this.pipelines.workgroupBytes);
      if (reason !== null) throw new UnsupportedError(`webgpu backend: ${reason}`);
      validateParams(spec, params);
      const weights: LayerWeights[] = [];
      for (let layer = 0; layer < storedLayerCount(spec); layer++) {
        const packed = packLayer(spec, params, layer);
        weights.push({
          projection: upload(this.gpuDevice, packed.projection),
          recurrent: upload(this.gpuDevice, packed.recurrent),
        });
      }
      return Promise.resolve(
        new TrainableWebgpuModel(
          spec,
          weights,
          {
            device: this.gpuDevice,
            pipelines: this.pipelines,
            shape: this.shape,
            isBackendDisposed: () => this.isDisposed,
          },
          params,
        ),
      );
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  createTrainer(specIn: RnnSpec, init: TrainerInit): Promise<WebgpuTrainer> {
    try {
      if (this.isDisposed) throw new BackendDisposedError('webgpu backend: createTrainer after dispose()');
      const ctx = { device: this.gpuDevice, pipelines: this.pipelines, isBackendDisposed: () => this.isDisposed };
      return Promise.resolve(createWebgpuTrainer(defineSpec(specIn), init, ctx));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  dispose(): Promise<void> {
    if (this.isDisposed) return Promise.resolve();
    this.isDisposed = true;
    if (this.isOwned) this.gpuDevice.destroy();
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/**
 * Starts the WebGPU backend: `navigator.gpu` in browsers, Dawn (the `webgpu` npm package) in Node.
 *
 * @param options - an existing `GPUDevice` to share, or how to pick an adapter; kernel shape.
 * @returns a backend named `webgpu` whose `device` names the adapter, e.g. `webgpu (llvmpipe)`.
 * @throws {@link @deeprnn/core!BackendInitError | BackendInitError} when there is no WebGPU, no adapter, or no device,
 *   saying which.
 * @example
 * ```ts
 * import { createBackend } from '@deeprnn/backend-webgpu';
 * await using backend = await createBackend();
 * await using model = await backend.createModel(spec, params);
 * const { output, state } = await model.forward(input);
 * model.lastRunStats; // { dispatches: 2 * numLayers, submits: 1, bytesRead, bytesWritten }
 * ```
 */
export async function createBackend(options: WebgpuBackendOptions = {}): Promise<WebgpuBackend> {
  const acquired = await acquireDevice(options);
  return new WebgpuBackendImpl(acquired.device, acquired.description, acquired.isOwned, options.kernelShape ?? {});
}
