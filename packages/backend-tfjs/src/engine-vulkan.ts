import type { ModuleLoader } from './module-loader.js';
import { moduleExport } from './module-loader.js';

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
 * True when Node runs on Linux and the dynamic linker cannot find the Vulkan loader, the first thing
 * Dawn loads there: Dawn would then only write "Couldn't load Vulkan" to the user's stderr, so the
 * webgpu engine is skipped without starting it. Looks where ld.so looks (LD_LIBRARY_PATH, the
 * standard folders, the ld.so cache). False when it cannot tell (not Node, not Linux, no `node:fs`).
 * The onnxruntime backend has the same check for ORT's Dawn (backends do not import each other).
 */
export async function isVulkanLoaderMissing(load: ModuleLoader): Promise<boolean> {
  const proc = (globalThis as { process?: { platform?: string; env?: Record<string, string | undefined> } }).process;
  if (proc?.platform !== 'linux') return false;
  let fs: unknown;
  try {
    fs = await load('node:fs');
  } catch {
    return false;
  }
  const existsSync = moduleExport(fs, 'existsSync');
  const readFileSync = moduleExport(fs, 'readFileSync');
  if (typeof existsSync !== 'function' || typeof readFileSync !== 'function') return false;
  const dirs = [...(proc.env?.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...STANDARD_DIRS];
  if (dirs.some((dir) => (existsSync as (p: string) => boolean)(`${dir}/${LIBRARY}`))) return false;
  try {
    return !String((readFileSync as (p: string, e: string) => string)('/etc/ld.so.cache', 'latin1')).includes(LIBRARY);
  } catch {
    return true;
  }
}
