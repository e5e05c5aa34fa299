import { basename } from 'node:path';
import {
  type Backend,
  type GoldenCase,
  type GoldenResult,
  FormatError,
  checkGoldenCase,
  parseGoldenCase,
} from '@deeprnn/core';
import { InputError } from './cli-errors.js';
import { readInputBytes } from './file-checks.js';
import type { GoldenTarget } from './golden-files.js';

/** A target after its file was read: a parsed case, an ONNX test folder, or a folder's JSON that is no case. */
export type LoadedTarget =
  | { readonly kind: 'case'; readonly target: GoldenTarget & { kind: 'json' }; readonly goldenCase: GoldenCase }
  | { readonly kind: 'onnx-test-dir'; readonly target: GoldenTarget & { kind: 'onnx-test-dir' } }
  | { readonly kind: 'skipped'; readonly target: GoldenTarget; readonly why: string };

// What makes a case a case: the model. A JSON file in a folder with neither is some other file (a
// manifest, or another format's expected values such as fixtures/keras, which have `input` too).
const CASE_KEYS = ['config', 'params'];

function isUnrelatedJson(json: unknown): boolean {
  return typeof json !== 'object' || json === null || Array.isArray(json) || CASE_KEYS.every((k) => !(k in json));
}

/**
 * Reads and checks one target before any backend starts, so a file the case format cannot hold costs
 * nothing and is named.
 *
 * @returns the parsed case; `skipped` (with the reason) for a JSON file found in a folder that has
 *   none of a case's fields (a manifest, say).
 * @throws {@link InputError} naming the file and why it cannot be run: over the size limit or not a
 *   regular file, not JSON, not a case (when
 *   named on the command line), or a case with a malformed field (the parser's message says which).
 */
export async function loadGoldenTarget(target: GoldenTarget): Promise<LoadedTarget> {
  if (target.kind === 'onnx-test-dir') return { kind: 'onnx-test-dir', target };
  // Within the golden case limit (256 MiB, DEEPRNN_MAX_INPUT_BYTES): a named /dev/zero or FIFO is refused, not read.
  const bytes = await readInputBytes(target.path, 'golden', 'case');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new InputError(`golden: ${target.path} is not a golden case: not JSON (${e.message})`, { cause: e });
  }
  if (!target.isNamed && isUnrelatedJson(json)) {
    return { kind: 'skipped', target, why: `not a golden case (no ${CASE_KEYS.join(', ')})` };
  }
  let goldenCase: GoldenCase;
  try {
    goldenCase = parseGoldenCase(json, target.path);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    throw new InputError(`golden: ${e.message}`, { cause: e });
  }
  // Unnamed cases are listed by file name, not by the path the message needed.
  const name = goldenCase.name === target.path ? basename(target.path) : goldenCase.name;
  return { kind: 'case', target, goldenCase: { ...goldenCase, name } };
}

/** Which expected tensors a case compares (over all runs), and whether it passes lengths: `output hN cN`, `hN (lengths)`. */
export function comparedFields(goldenCase: GoldenCase): string {
  const fields = (['output', 'hN', 'cN'] as const).filter((k) => goldenCase.runs.some((r) => r[k] !== null));
  const withLengths = goldenCase.runs.some((r) => r.lengths !== undefined);
  return fields.join(' ') + (withLengths ? ' (lengths)' : '');
}

/**
 * Runs one loaded target on a backend. For NAME.json with NAME.onnx beside it, the spec and weights
 * come from importing the .onnx file (so the import is checked too) and every run is compared; an ONNX
 * backend-test directory is imported and compared with its output_K.pb files.
 */
export async function runGoldenTarget(
  backend: Backend,
  loaded: LoadedTarget & { kind: 'case' | 'onnx-test-dir' },
): Promise<GoldenResult> {
  if (loaded.kind === 'onnx-test-dir') {
    const onnx = await import('@deeprnn/onnx');
    return onnx.runOnnxTestCase(backend, await onnx.loadOnnxTestCase(loaded.target.path));
  }
  const { goldenCase, target } = loaded;
  if (target.onnxPath === null) return checkGoldenCase(backend, goldenCase);
  const { importOnnx } = await import('@deeprnn/onnx');
  const { spec, params } = importOnnx(await readInputBytes(target.onnxPath, 'golden', 'model'));
  return checkGoldenCase(backend, { ...goldenCase, spec, params });
}
