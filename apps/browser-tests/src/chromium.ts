/** Debian's Chromium (the `chromium` package); playwright-core drives it, nothing is downloaded. */
export const CHROMIUM: string = process.env.DEEPRNN_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for headless Chromium here: WebGPU on (its SwiftShader adapter when there is no GPU) and, as
 * root, no sandbox.
 */
export function chromiumArgs(): string[] {
  const args = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--ignore-gpu-blocklist'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return args;
}
