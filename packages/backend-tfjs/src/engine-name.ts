/** A TensorFlow.js engine: the tfjs backend that actually runs the ops. */
export type EngineName = 'tfjs-node-gpu' | 'tfjs-node' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Every engine, in the default order of preference (fastest first). */
export const ENGINE_NAMES: readonly EngineName[] = Object.freeze([
  'tfjs-node-gpu',
  'tfjs-node',
  'webgpu',
  'webgl',
  'wasm',
  'cpu',
]);

/** True when `name` is one of {@link ENGINE_NAMES}. */
export function isEngineName(name: unknown): name is EngineName {
  return typeof name === 'string' && (ENGINE_NAMES as readonly string[]).includes(name);
}
