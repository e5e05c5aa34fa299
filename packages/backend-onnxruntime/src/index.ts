export { type OnnxruntimeBackend, type OnnxruntimeBackendOptions, createBackend } from './onnxruntime-backend.js';
export { loweringFor } from './lowering-choice.js';
export type { SessionFactory } from './provider-probe.js';
export { DEFAULT_PROVIDERS, type ExecutionProvider, type SessionTuning } from './session-options.js';
