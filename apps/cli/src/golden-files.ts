import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from './cli-errors.js';

/** One thing `deeprnn golden` runs: a JSON case file, or a directory in the ONNX backend-test layout. */
export type GoldenTarget =
  | { readonly kind: 'json'; readonly path: string; readonly onnxPath: string | null }
  | { readonly kind: 'onnx-test-dir'; readonly path: string };

/**
 * Expands files and directories into golden targets. Directories are searched recursively; a directory
 * holding model.onnx is one backend-test case; index.json and files that are not .json are skipped.
 */
export function collectGoldenTargets(paths: readonly string[]): GoldenTarget[] {
  const out: GoldenTarget[] = [];
  const visit = (path: string): void => {
    if (!existsSync(path)) throw new InputError(`golden: expected a file or folder, but ${path} does not exist`);
    if (statSync(path).isDirectory()) {
      if (existsSync(join(path, 'model.onnx'))) {
        out.push({ kind: 'onnx-test-dir', path });
        return;
      }
      for (const name of readdirSync(path).sort()) visit(join(path, name));
      return;
    }
    const name = basename(path);
    if (!name.endsWith('.json') || name === 'index.json') return;
    const onnxPath = path.replace(/\.json$/, '.onnx');
    out.push({ kind: 'json', path, onnxPath: existsSync(onnxPath) ? onnxPath : null });
  };
  for (const p of paths) visit(p);
  return out;
}
