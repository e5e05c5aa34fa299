import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The packages whose main entry must bundle for the browser. */
export const BROWSER_ENTRIES: readonly string[] = Object.freeze([
  '@deeprnn/core',
  '@deeprnn/onnx',
  '@deeprnn/conformance',
  '@deeprnn/lm',
  '@deeprnn/backend-tfjs',
  '@deeprnn/backend-onnxruntime',
  '@deeprnn/backend-webgpu',
]);

/** One entry bundled for the browser: its sizes, or why it does not bundle. */
export interface BundleResult {
  readonly entry: string;
  /** Minified bytes (0 when `errors` is not empty). */
  readonly minBytes: number;
  /** Gzipped minified bytes. */
  readonly gzipBytes: number;
  /** esbuild's error lines, e.g. `Could not resolve "node:fs"` with the importing file. */
  readonly errors: readonly string[];
}

/**
 * Bundles `entry` (a package specifier) as a browser would load it: platform browser, the `browser`
 * export condition, minified ESM. With `ownCodeOnly`, every non-deeprnn package stays external, so the
 * size is deeprnn's own code; otherwise dependencies are included (their .wasm assets are not).
 */
export async function bundleEntry(entry: string, options: { ownCodeOnly?: boolean } = {}): Promise<BundleResult> {
  const result = await build({
    stdin: { contents: `export * from '${entry}';`, resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['browser'],
    logLevel: 'silent',
    ...(options.ownCodeOnly ? { plugins: [externalDependencies] } : {}),
  }).catch((failure: unknown) => failure as { errors?: { text: string; location?: { file: string } | null }[] });
  const errors = ('errors' in result ? (result.errors ?? []) : []).map(
    (e) => `${e.location?.file ?? entry}: ${e.text}`,
  );
  if (errors.length > 0 || !('outputFiles' in result) || !result.outputFiles) {
    return { entry, minBytes: 0, gzipBytes: 0, errors: errors.length > 0 ? errors : ['no output'] };
  }
  const code = result.outputFiles[0]!.contents;
  return { entry, minBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, errors: [] };
}

/** Marks every bare import except @deeprnn packages external (deeprnn's own code only). */
const externalDependencies = {
  name: 'external-dependencies',
  setup(b: {
    onResolve: (o: { filter: RegExp }, cb: (a: { path: string }) => { external: boolean } | undefined) => void;
  }): void {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@deeprnn/') ? undefined : { external: true }));
  },
};

/** Bytes as KiB with one decimal. */
export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
