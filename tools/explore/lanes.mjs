// Every conformance lane of the repository: where its tests live, which files, and what device it needs.
// A lane is one vitest invocation; a new backend's conformance file is added here.

/**
 * @typedef {'none' | 'dawn' | 'chromium'} Device
 *   none: runs anywhere; dawn: a WebGPU adapter for Node (the `webgpu` package over Vulkan, e.g.
 *   lavapipe); chromium: Debian's Chromium (the page finds its own WebGPU adapter, or skips that part).
 * @typedef {{ name: string, dir: string, files: string[], device: Device, args?: string[], what: string }} Lane
 */

/** @type {readonly Lane[]} */
export const LANES = Object.freeze([
  {
    name: 'reference',
    dir: 'packages/conformance',
    files: ['test/conformance.test.ts'],
    device: 'none',
    what: 'float32 reference backend',
  },
  {
    name: 'onnxruntime',
    dir: 'packages/backend-onnxruntime',
    files: ['test/conformance.test.ts'],
    device: 'none',
    what: 'onnxruntime-node, CPU provider',
  },
  {
    name: 'onnxruntime-webgpu',
    dir: 'packages/backend-onnxruntime',
    files: ['test/conformance-webgpu.test.ts'],
    device: 'dawn',
    what: 'onnxruntime-node, WebGPU provider',
  },
  {
    name: 'tfjs',
    dir: 'packages/backend-tfjs',
    files: ['test/conformance.test.ts'],
    device: 'none',
    what: 'tfjs wasm engine',
  },
  {
    name: 'tfjs-webgpu',
    dir: 'packages/backend-tfjs',
    files: ['test/webgpu-non-finite.test.ts'],
    device: 'dawn',
    what: 'tfjs webgpu engine (non-finite property)',
  },
  {
    name: 'webgpu',
    dir: 'packages/backend-webgpu',
    files: ['test/conformance.test.ts'],
    device: 'dawn',
    what: 'backend-webgpu forward properties',
  },
  {
    name: 'webgpu-training',
    dir: 'packages/backend-webgpu',
    files: ['test/training-conformance.test.ts'],
    device: 'dawn',
    what: 'backend-webgpu training properties',
  },
  ...['reference', 'onnxruntime', 'tfjs', 'webgpu'].map((b) => ({
    name: `browser-${b}`,
    dir: 'apps/browser-tests',
    files: [`browser/${b}.test.ts`],
    device: /** @type {Device} */ ('chromium'),
    args: ['--project', 'chromium'],
    what: `${b} in Chromium`,
  })),
]);

/**
 * The lanes whose name matches one of `filters` (exact, or a prefix ending in `*`: `browser-*`).
 * @param {readonly string[]} filters - empty for every lane.
 * @returns {Lane[]}
 */
export function selectLanes(filters) {
  if (filters.length === 0) return [...LANES];
  const unknown = filters.filter((f) => !LANES.some((l) => matches(l.name, f)));
  if (unknown.length > 0)
    throw new Error(`unknown lane(s) ${unknown.join(', ')}; lanes: ${LANES.map((l) => l.name).join(', ')}`);
  return LANES.filter((l) => filters.some((f) => matches(l.name, f)));
}

/** @param {string} name @param {string} filter */
function matches(name, filter) {
  return filter.endsWith('*') ? name.startsWith(filter.slice(0, -1)) : name === filter;
}
