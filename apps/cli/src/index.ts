export { BACKEND_NAMES, type BackendChoice, type BackendName, type LoadedBackend, loadBackend } from './backends.js';
export { buildProgram } from './program.js';
