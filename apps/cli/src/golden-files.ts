import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from './cli-errors.js';

/**
 * One thing `deeprnn golden` runs: a JSON case file, or a directory in the ONNX backend-test layout.
 * `isNamed` is true for a file named on the command line (it must be a case), false for one found in a
 * folder (a JSON file there that is not a case at all is skipped with a note).
 */
export type GoldenTarget =
  | { readonly kind: 'json'; readonly path: string; readonly onnxPath: string | null; readonly isNamed: boolean }
  | { readonly kind: 'onnx-test-dir'; readonly path: string };

/**
 * Expands files and directories into golden targets. Directories are searched recursively; a directory
 * holding model.onnx is one backend-test case; in a folder, index.json and files that are not .json are
 * skipped. A file named on the command line is always a target: if it is not a case, the user hears why.
 */
export function collectGoldenTargets(paths: readonly string[]): GoldenTarget[] {
  const out: GoldenTarget[] = [];
  const visit = (path: string, isNamed: boolean): void => {
    if (!existsSync(path)) throw new InputError(`golden: expected a file or folder, but ${path} does not exist`);
    if (statSync(path).isDirectory()) {
      if (existsSync(join(path, 'model.onnx'))) {
        out.push({ kind: 'onnx-test-dir', path });
        return;
      }
      for (const name of readdirSync(path).sort()) visit(join(path, name), false);
      return;
    }
    const name = basename(path);
    if (!isNamed && (!name.endsWith('.json') || name === 'index.json')) return;
    const onnxPath = path.replace(/\.json$/, '.onnx');
    out.push({ kind: 'json', path, onnxPath: onnxPath !== path && existsSync(onnxPath) ? onnxPath : null, isNamed });
  };
  for (const p of paths) visit(p, true);
  return out;
}
