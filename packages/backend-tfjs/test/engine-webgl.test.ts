import { describe, expect, it } from 'vitest';
import { createBackend } from '../src/index.js';
import { isSoftwareRenderer, rendererName, webglRenderer } from '../src/engine-webgl.js';

const SWIFTSHADER = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';

function fakeScope(renderer: string | null): object {
  const gl = {
    RENDERER: 7937,
    getExtension: (n: string) => (n === 'WEBGL_debug_renderer_info' ? { UNMASKED_RENDERER_WEBGL: 37446 } : null),
    getParameter: () => renderer,
  };
  return {
    OffscreenCanvas: class {
      getContext() {
        return renderer === null ? null : gl;
      }
    },
  };
}

describe('tfjs webgl engine', () => {
  it('names the renderer shortly and tells software renderers apart', () => {
    expect(rendererName(SWIFTSHADER)).toBe('SwiftShader');
    expect(rendererName('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe('llvmpipe');
    expect(rendererName('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)')).toHaveLength(60);
    expect(isSoftwareRenderer(SWIFTSHADER)).toBe(true);
    expect(isSoftwareRenderer('ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)')).toBe(false);
  });

  it('reads the unmasked renderer, or says why there is no WebGL2', () => {
    expect(webglRenderer(fakeScope(SWIFTSHADER))).toEqual({ renderer: SWIFTSHADER });
    expect(webglRenderer(fakeScope(null))).toMatchObject({ skipped: expect.stringMatching(/no WebGL2 context/) });
    expect(webglRenderer({})).toMatchObject({ skipped: expect.stringMatching(/Node has none/) });
  });

  it('in Node, naming webgl fails with the reason, and the default order passes over it', async () => {
    await expect(createBackend({ engines: ['webgl'] })).rejects.toThrow(/webgl: no WebGL here/);
    await using backend = await createBackend({ engines: ['webgl', 'cpu'] });
    expect(backend.engine).toBe('cpu');
    expect(backend.notices).toEqual([expect.stringMatching(/^webgl: no WebGL here/)]);
  });
});
