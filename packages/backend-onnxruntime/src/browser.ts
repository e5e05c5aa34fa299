/**
 * The browser entry of @deeprnn/backend-onnxruntime (the `browser` export condition): the same backend on
 * onnxruntime-web (the `#ort` import resolves to `onnxruntime-web/webgpu` there), whose `createBackend`
 * tries the web providers webgpu, then wasm.
 *
 * @packageDocumentation
 */
export * from './index.js';
export {
  type WebBackendOptions,
  type WebExecutionProvider,
  type WebOnnxruntimeBackend,
  WEB_PROVIDERS,
  createBackend,
  webgpuNodeRuns,
} from './web/web-backend.js';
