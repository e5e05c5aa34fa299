import { type EngineContext, type EngineSkip, type StartedEngine, loadOrSkip, setBackendOrSkip } from './engine.js';

/** The WebGL2 context calls the probe makes. */
interface GlLike {
  readonly RENDERER: number;
  getExtension(name: string): unknown;
  getParameter(name: number): unknown;
}
interface CanvasLike {
  getContext(kind: 'webgl2'): GlLike | null;
}

/** The renderer behind the page's WebGL2 (`ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device ...))`), or why there is none. */
export function webglRenderer(scope: object = globalThis): { readonly renderer: string } | EngineSkip {
  const s = scope as {
    OffscreenCanvas?: new (w: number, h: number) => CanvasLike;
    document?: { createElement(tag: 'canvas'): CanvasLike };
  };
  const canvas = s.OffscreenCanvas !== undefined ? new s.OffscreenCanvas(1, 1) : s.document?.createElement('canvas');
  if (canvas === undefined) return { skipped: 'webgl: no WebGL here (a browser engine; Node has none)' };
  let gl: GlLike | null;
  try {
    gl = canvas.getContext('webgl2');
  } catch (cause) {
    return { skipped: 'webgl: creating a WebGL2 context threw', cause };
  }
  if (gl === null)
    return { skipped: 'webgl: the browser gave no WebGL2 context (WebGL off, or no GPU and no software renderer)' };
  const info = gl.getExtension('WEBGL_debug_renderer_info') as { readonly UNMASKED_RENDERER_WEBGL: number } | null;
  const renderer = String(gl.getParameter(info === null ? gl.RENDERER : info.UNMASKED_RENDERER_WEBGL));
  (gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
  return { renderer };
}

/** A short renderer name: `SwiftShader`, `llvmpipe`, or the renderer string itself (at most 60 characters). */
export function rendererName(renderer: string): string {
  const known = /swiftshader|llvmpipe|lavapipe/i.exec(renderer);
  if (known) return known[0].toLowerCase() === 'swiftshader' ? 'SwiftShader' : known[0].toLowerCase();
  return renderer.length > 60 ? `${renderer.slice(0, 57)}...` : renderer;
}

/** True for CPU renderers (SwiftShader, llvmpipe), which are slower than wasm. */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|lavapipe|software/i.test(renderer);
}

/**
 * Starts tfjs's WebGL engine (`@tensorflow/tfjs-backend-webgl`), the engine most tfjs pages run on. A
 * software renderer is accepted only when the caller named the engine, as for WebGPU; results must be
 * float32 (render targets of 32-bit floats), since half floats would not meet the tolerance.
 */
export async function startWebgl(ctx: EngineContext): Promise<StartedEngine | EngineSkip> {
  const probe = webglRenderer();
  if ('skipped' in probe) return probe;
  const name = rendererName(probe.renderer);
  if (isSoftwareRenderer(probe.renderer) && !ctx.allowSoftwareGpu) {
    return {
      skipped: `webgl: only a software renderer (${name}), slower than wasm; name the engine (engines: ['webgl']) to use it`,
    };
  }
  const loaded = await loadOrSkip(ctx, '@tensorflow/tfjs-backend-webgl', 'npm install @tensorflow/tfjs-backend-webgl');
  if ('skipped' in loaded) return loaded;
  const failed = await setBackendOrSkip(ctx, 'webgl', `webgl (${name})`);
  if (failed) return failed;
  if ((await ctx.tf.flag('WEBGL_RENDER_FLOAT32_ENABLED')) !== true) {
    return { skipped: `webgl (${name}): no 32-bit float render targets; results would be float16` };
  }
  return { engine: 'webgl', tfBackend: 'webgl', device: `webgl (${name})` };
}

/**
 * What the webgl engine changes in tfjs for this page, once it is chosen: packed binary operations
 * off (`WEBGL_PACK_BINARY_OPERATIONS`). A packed texture holds 2x2 values and pads odd shapes; a matrix
 * product whose input holds ±Inf writes Inf * 0 = NaN into its output's padding, packed elementwise
 * ops carry that padding along, and the next product over an odd inner dimension adds NaN * 0 into real
 * values (an LSTM projection turned a finite answer into NaN; conformance found it). Unpacked binary
 * ops drop the padding, so every product reads zeros there. tfjs flags are global: the notice says so.
 *
 * @param setFlag - `tf.env().set`.
 * @returns the notice for the backend's `notices`.
 */
export function keepPaddingFinite(setFlag: (name: string, value: boolean) => void): string {
  setFlag('WEBGL_PACK_BINARY_OPERATIONS', false);
  return "tfjs webgl: WEBGL_PACK_BINARY_OPERATIONS set to false for this page (a packed texture's padding turned ±Inf inputs into NaN answers)";
}
