import { type EngineContext, type EngineSkip, type StartedEngine, loadOrSkip, setBackendOrSkip } from './engine.js';

/**
 * Starts `@tensorflow/tfjs-node-gpu` (libtensorflow with CUDA). Its install step downloads
 * libtensorflow 2.9.1 from outside the npm registry and needs CUDA 11.2 + cuDNN 8.1, so it is an
 * optional peer dependency that the user installs.
 */
export async function startTfjsNodeGpu(ctx: EngineContext): Promise<StartedEngine | EngineSkip> {
  const loaded = await loadOrSkip(
    ctx,
    '@tensorflow/tfjs-node-gpu',
    'npm install @tensorflow/tfjs-node-gpu; needs CUDA 11.2, cuDNN 8.1 and network access at install',
  );
  if ('skipped' in loaded) return loaded;
  const failed = await setBackendOrSkip(ctx, 'tensorflow', 'tfjs-node-gpu');
  return failed ?? { engine: 'tfjs-node-gpu', tfBackend: 'tensorflow', device: 'tfjs-node-gpu (libtensorflow, CUDA)' };
}

/** Starts `@tensorflow/tfjs-node` (libtensorflow on the CPU; its install also downloads libtensorflow). */
export async function startTfjsNode(ctx: EngineContext): Promise<StartedEngine | EngineSkip> {
  const loaded = await loadOrSkip(
    ctx,
    '@tensorflow/tfjs-node',
    'npm install @tensorflow/tfjs-node; its install downloads libtensorflow 2.9.1',
  );
  if ('skipped' in loaded) return loaded;
  const failed = await setBackendOrSkip(ctx, 'tensorflow', 'tfjs-node');
  return failed ?? { engine: 'tfjs-node', tfBackend: 'tensorflow', device: 'tfjs-node (libtensorflow, cpu)' };
}
