export { type WebgpuBackend, type WebgpuBackendOptions, createBackend } from './backend.js';
export { WEBGPU_CAPABILITIES } from './capabilities.js';
export type { DeviceRequest } from './device/gpu-device.js';
export type { KernelShape } from './kernels/kernel-plan.js';
export type { WebgpuModel } from './forward/model.js';
export type { RunStats } from './run-stats.js';
export type { WebgpuTrainer } from './train/trainer.js';
