import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LIBRARY = 'libvulkan.so.1';
const STANDARD_DIRS = ['/lib', '/usr/lib', '/lib64', '/usr/lib64', '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/local/lib'];

/**
 * Whether the dynamic linker can find the Vulkan loader, the first thing Dawn (ORT's WebGPU provider)
 * loads on Linux. Without it Dawn writes "Couldn't load Vulkan" to the process's stderr, which a
 * library must not do to its user; checking first lets the probe skip WebGPU quietly. Looks where
 * ld.so looks: LD_LIBRARY_PATH, the ld.so cache, the standard folders. Other systems (Metal, D3D12)
 * answer true: Dawn does not need Vulkan there.
 */
export function hasVulkanLoader(platform: string = process.platform, env: NodeJS.ProcessEnv = process.env): boolean {
  if (platform !== 'linux') return true;
  const fromEnv = (env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '');
  if ([...fromEnv, ...STANDARD_DIRS].some((dir) => existsSync(join(dir, LIBRARY)))) return true;
  try {
    return readFileSync('/etc/ld.so.cache').includes(LIBRARY);
  } catch {
    return false;
  }
}
