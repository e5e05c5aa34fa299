/** Whether the page has a WebGPU adapter, and what it is (Chromium's SwiftShader when there is no GPU). */
export async function webgpuAdapter(): Promise<{ name: string } | { missing: string }> {
  const gpu = (
    navigator as { gpu?: { requestAdapter(): Promise<{ info?: { architecture?: string; vendor?: string } } | null> } }
  ).gpu;
  if (!gpu) return { missing: 'navigator.gpu is undefined (start Chromium with --enable-unsafe-webgpu)' };
  const adapter = await gpu.requestAdapter();
  if (!adapter) return { missing: 'navigator.gpu.requestAdapter() returned null' };
  return { name: `${adapter.info?.vendor ?? ''} ${adapter.info?.architecture ?? ''}`.trim() || 'unknown adapter' };
}

/** CI=true of the shell that started vitest (browser/setup.ts copies it into the page). */
export function underCi(): boolean {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.CI === 'true';
}
