export { type CreateBackendOptions, TfjsBackend, createBackend } from './backend.js';
export { capabilitiesFor } from './capabilities.js';
export type { EngineContext, EngineSkip, EngineStarter, StartedEngine, TfControl } from './engine.js';
export { ENGINE_NAMES, type EngineName, isEngineName } from './engine-name.js';
export { validateEngineList } from './engine-list.js';
export { type ModuleLoader, importModule } from './module-loader.js';
export { TfjsModel } from './model.js';
export { ENGINE_STARTERS, type EngineNotice, type EngineSelection, selectEngine } from './select-engine.js';
export { type ApplyOptions, type TfjsRnn, type TfjsRnnOutputs, createTfjsRnn } from './trainable-rnn.js';
