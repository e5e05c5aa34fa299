import {
  type Backend,
  BackendDisposedError,
  type Capabilities,
  ConfigError,
  type RnnParams,
  type RnnSpec,
  UnsupportedError,
  type TrainerInit,
  defineSpec,
  roundParamsToFloat16,
  storedLayerCount,
  validateParams,
} from '@deeprnn/core';
import { WEBGPU_CAPABILITIES, WEBGPU_F16_CAPABILITIES, unsupportedReason } from './capabilities.js';
import { type DeviceRequest, acquireDevice } from './device/gpu-device.js';
import type { LayerWeights } from './forward/forward-encoder.js';
import type { KernelShape, PlanShape } from './kernels/kernel-plan.js';
import { type WeightStorage, weightBytes } from './kernels/weight-storage.js';
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
  /**
   * How models hold their weights on the device: `float32` (the default), or `float16` where the
   * adapter offers `shader-f16`: half the weight memory and half the bytes each step reads. Every
   * parameter is rounded to float16 when the model is created (ties to even) and the kernels compute
   * in float32 from those values, so a model answers what the float32 forward of its rounded weights
   * answers; `gradients` differentiates that same rounded model. Trainers always hold float32.
   *
   * @throws at start, a BackendInitError when the adapter (or the device passed) lacks `shader-f16`.
   */
  readonly weightStorage?: 'float32' | 'float16';
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

function upload(device: GPUDevice, data: Float32Array, storage: WeightStorage): GPUBuffer {
  const bytes = weightBytes(storage, data);
  const buffer = device.createBuffer({
    size: Math.max(8, bytes.byteLength),
    usage: BufferUsage.STORAGE,
    mappedAtCreation: true,
  });
  new Uint8Array(buffer.getMappedRange()).set(bytes);
  buffer.unmap();
  return buffer;
}

class WebgpuBackendImpl implements WebgpuBackend {
  readonly name = 'webgpu';
  /** Nothing is passed over at start: one adapter, or an error that says what to install. */
  readonly notices: readonly string[] = [];
  readonly capabilities: Capabilities;
  private isDisposed = false;
  private readonly pipelines: PipelineCache;

  constructor(
    readonly gpuDevice: GPUDevice,
    readonly device: string,
    private readonly isOwned: boolean,
    private readonly shape: PlanShape,
  ) {
    this.pipelines = new PipelineCache(gpuDevice);
    this.capabilities = shape.weightStorage === 'f16' ? WEBGPU_F16_CAPABILITIES : WEBGPU_CAPABILITIES;
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

  createModel(specIn: RnnSpec, paramsIn: RnnParams): Promise<WebgpuModel> {
    try {
      if (this.isDisposed) throw new BackendDisposedError('webgpu backend: createModel after dispose()');
      const spec = defineSpec(specIn);
      const reason = unsupportedReason(spec, this.pipelines.workgroupBytes);
      if (reason !== null) throw new UnsupportedError(`webgpu backend: ${reason}`);
      validateParams(spec, paramsIn);
      const storage = this.shape.weightStorage ?? 'f32';
      // The model is its rounded weights: the kernels read the halves and gradients see the same values.
      const params = storage === 'f16' ? roundParamsToFloat16(paramsIn, 'webgpu backend') : paramsIn;
      const weights: LayerWeights[] = [];
      for (let layer = 0; layer < storedLayerCount(spec); layer++) {
        const packed = packLayer(spec, params, layer, storage === 'f16' ? 2 : 1);
        weights.push({
          projection: upload(this.gpuDevice, packed.projection, storage),
          recurrent: upload(this.gpuDevice, packed.recurrent, storage),
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
  const storage = options.weightStorage ?? 'float32';
  if (storage !== 'float32' && storage !== 'float16') {
    throw new ConfigError(`webgpu backend: weightStorage must be 'float32' or 'float16', got ${String(storage)}`);
  }
  const isHalf = storage === 'float16';
  const acquired = await acquireDevice(
    options,
    isHalf ? [{ feature: 'shader-f16', option: "weightStorage 'float16'" }] : [],
  );
  return new WebgpuBackendImpl(
    acquired.device,
    isHalf ? acquired.description.replace(/\)$/, ', float16 weights)') : acquired.description,
    acquired.isOwned,
    { ...options.kernelShape, weightStorage: isHalf ? 'f16' : 'f32' },
  );
}
