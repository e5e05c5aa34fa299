// node:fs is reached through process.getBuiltinModule, not a static import, so that this file (part
// of the main entry) also bundles for browsers, where WebGPU needs no Vulkan check.
interface Fs {
  existsSync(path: string): boolean;
  readFileSync(path: string): { includes(value: string): boolean };
}

const LIBRARY = 'libvulkan.so.1';
const STANDARD_DIRS = [
  '/lib',
  '/usr/lib',
  '/lib64',
  '/usr/lib64',
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/local/lib',
];

/**
 * Whether the dynamic linker can find the Vulkan loader, the first thing Dawn (ORT's WebGPU provider,
 * the `webgpu` package) loads on Linux. In core because every backend that starts Dawn asks it first
 * (backends do not import each other). Without it Dawn writes "Couldn't load Vulkan" to the process's stderr, which a
 * library must not do to its user; checking first lets the probe skip WebGPU quietly. Looks where
 * ld.so looks: LD_LIBRARY_PATH, the ld.so cache, the standard folders. Other systems (Metal, D3D12)
 * answer true: Dawn does not need Vulkan there; so does an environment without `node:fs` (a browser).
 *
 * @param platform - defaults to `process.platform`.
 * @param env - defaults to `process.env` (reads `LD_LIBRARY_PATH`).
 * @returns false only when Node on Linux cannot find `libvulkan.so.1`.
 */
export function hasVulkanLoader(platform?: string, env?: Readonly<Record<string, string | undefined>>): boolean {
  const proc = (
    globalThis as {
      process?: {
        platform: string;
        env: Record<string, string | undefined>;
        getBuiltinModule?: (id: string) => unknown;
      };
    }
  ).process;
  if ((platform ?? proc?.platform) !== 'linux') return true;
  const fs = proc?.getBuiltinModule?.('node:fs') as Fs | undefined;
  if (fs === undefined) return true;
  const fromEnv = ((env ?? proc?.env ?? {}).LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '');
  if ([...fromEnv, ...STANDARD_DIRS].some((dir) => fs.existsSync(`${dir.replace(/\/+$/, '')}/${LIBRARY}`))) return true;
  try {
    return fs.readFileSync('/etc/ld.so.cache').includes(LIBRARY);
  } catch {
    return false;
  }
}
