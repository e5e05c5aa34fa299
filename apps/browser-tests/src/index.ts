/**
 * Helpers of the browser lane: bundling each package's browser entry, and the Chromium it runs in.
 *
 * @packageDocumentation
 */
export { BROWSER_ENTRIES, type BundleResult, bundleEntry, kib } from './bundle-entry.js';
export { CHROMIUM, chromiumArgs } from './chromium.js';
