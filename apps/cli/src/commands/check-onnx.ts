import { basename } from 'node:path';
import { checkOnnxModel } from '@deeprnn/conformance';
import type { RnnSpec } from '@deeprnn/core';
import { EXIT_CODES, InputError } from '../cli-errors.js';
import { readInputBytes } from '../file-checks.js';
import { formatTable, sci } from '../table.js';
import { type CheckCommandOptions, type CheckIo, DEFAULT_IO, hasFunctions } from './check-io.js';
import {
  type ImportedModel,
  type LayoutHelpers,
  type OrtSession,
  OnnxRuntimeRunError,
  isImportedModel,
  isOrtModule,
  ortRunner,
} from './onnx-runtime-runner.js';

// `check --onnx`: onnxruntime on the original bytes vs the reference on the imported spec.

/** ORT's own log would add lines of its own to the one-line failure; fatal only (4) keeps it quiet. */
const ORT_FATAL_ONLY = 4;

/** "gru 1 layer(s) bidirectional, I=3 H=4": the reference's reading of the graph. */
function describeSpec(spec: RnnSpec): string {
  return `${spec.mode} ${spec.numLayers} layer(s)${spec.bidirectional ? ' bidirectional' : ''}${spec.batchFirst ? ' batch-first' : ''}, I=${spec.inputSize} H=${spec.hiddenSize}`;
}

/** A single node with ONNX `layout = 1`: batch-first, with its states in ONNX's own [B, D, H] layout. */
function isBatchwiseNode(m: ImportedModel): boolean {
  return m.spec.batchFirst && [...m.inputs, ...m.outputs].some((b) => b.layout === 'onnx');
}

/** "Exception during initialization: /path/x.h:56 Foo::Bar() layout_ == 0 was false. Why." -> one line. */
function ortReason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .join(' ');
}

/**
 * `check --onnx`: onnxruntime runs the model's original bytes, the float64 reference runs the spec and
 * weights @deeprnn/onnx imports from them, on random inputs; compares exactly the outputs the graph has
 * and reports the largest disagreement. Returns the exit code: 0 agree, 1 disagree, 2 a needed package
 * is missing, 5 onnxruntime cannot load or run the file (a batchwise `layout = 1` node, say; the line
 * still gives the reference's reading). A file that is missing or not a stacked RNN throws an InputError.
 */
export async function runOnnxModelCheck(
  file: string,
  opts: CheckCommandOptions,
  io: CheckIo = DEFAULT_IO,
): Promise<number> {
  const onnxMod = await io.importOptional('@deeprnn/onnx');
  const backendMod = await io.importOptional('@deeprnn/backend-onnxruntime');
  // onnxruntime-node arrives with @deeprnn/backend-onnxruntime; the original bytes go to it directly.
  const ort = backendMod === null ? null : await io.importOptional('onnxruntime-node');
  const onnxApi = ['importOnnx', 'swapLeadingAxes', 'reverseWithinLengths'] as const;
  const missing = [
    ...(hasFunctions(onnxMod, onnxApi) ? [] : ['@deeprnn/onnx']),
    ...(isOrtModule(ort) ? [] : ['@deeprnn/backend-onnxruntime (with onnxruntime-node)']),
  ];
  if (missing.length > 0 || !hasFunctions(onnxMod, onnxApi) || !isOrtModule(ort)) {
    io.err(
      `deeprnn: check --onnx needs ${missing.join(' and ')}, which could not be imported; install and build them (npm install, npm run build) and try again\n`,
    );
    return EXIT_CODES.usage;
  }
  const bytes = await readInputBytes(file, '--onnx', 'model');
  let imported: unknown;
  try {
    imported = (onnxMod.importOnnx as (b: Uint8Array) => unknown)(bytes);
  } catch (e) {
    throw new InputError(`--onnx ${file}: expected an ONNX model: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  if (!isImportedModel(imported)) {
    io.err(`deeprnn: check --onnx ${file}: @deeprnn/onnx's importOnnx returned no spec, params and graph bindings\n`);
    return EXIT_CODES.runtime;
  }
  const summary = describeSpec(imported.spec);
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(bytes, { logSeverityLevel: ORT_FATAL_ONLY });
  } catch (e) {
    io.err(
      isBatchwiseNode(imported)
        ? `deeprnn: check --onnx ${file}: ONNX Runtime's CPU kernels cannot run batchwise (layout=1) RNN/GRU/LSTM nodes, so there is nothing to compare with the reference, which reads it as ${summary}\n`
        : `deeprnn: check --onnx ${file}: onnxruntime cannot load the model (the reference reads it as ${summary}): ${ortReason(e)}\n`,
    );
    return EXIT_CODES.runtime;
  }
  try {
    const layout = onnxMod as unknown as LayoutHelpers;
    const result = await checkOnnxModel(imported, ortRunner(ort, session, imported, layout), {
      runs: opts.runs ?? 20,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    });
    const compared = result.compared.join(', ');
    if (opts.json) {
      io.out(`${JSON.stringify({ model: basename(file), spec: summary, ...result })}\n`);
    } else {
      io.out(
        `${formatTable(['model', 'spec', 'runs', 'max error', 'result', 'compared'], [[basename(file), summary, String(result.runs), sci(result.maxError), result.pass ? 'pass' : 'FAIL', compared]])}\n`,
      );
      io.out(`largest disagreement: ${result.worst}\n`);
    }
    io.out(`${result.pass ? 1 : 0} passed, ${result.pass ? 0 : 1} failed\n`);
    return result.pass ? EXIT_CODES.ok : EXIT_CODES.checkFailed;
  } catch (e) {
    if (!(e instanceof OnnxRuntimeRunError)) throw e;
    io.err(
      `deeprnn: check --onnx ${file}: onnxruntime cannot run the model (the reference reads it as ${summary}): ${ortReason(e.cause)}\n`,
    );
    return EXIT_CODES.runtime;
  } finally {
    await session.release?.();
  }
}
