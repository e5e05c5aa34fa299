import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM, chromiumArgs } from '../../browser-tests/src/chromium.js';

/** Why the browser tests cannot run here, or null. Under CI=true the caller fails instead of skipping. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `no Chromium at ${CHROMIUM} (apt-get install -y --no-install-recommends chromium)`;
}

/** Headless Debian Chromium (playwright-core downloads nothing) with WebGPU on. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs() });
}
