// Prints the browser bundle-size table of the root README (npm run sizes -w @deeprnn/browser-tests).
import { BROWSER_ENTRIES, bundleEntry, kib } from './bundle-entry.js';

const rows = [
  '| package (browser entry) | own code, min | own code, min+gzip | with dependencies, min | with dependencies, min+gzip |',
  '|---|---:|---:|---:|---:|',
];
for (const entry of BROWSER_ENTRIES) {
  const own = await bundleEntry(entry, { ownCodeOnly: true });
  const all = await bundleEntry(entry);
  const failed = [...own.errors, ...all.errors];
  if (failed.length > 0) {
    console.error(`${entry}: does not bundle for the browser: ${failed[0]}`);
    process.exitCode = 1;
    continue;
  }
  rows.push(
    `| \`${entry}\` | ${kib(own.minBytes)} | ${kib(own.gzipBytes)} | ${kib(all.minBytes)} | ${kib(all.gzipBytes)} |`,
  );
}
console.log(rows.join('\n'));
