import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type GoldenCase, GOLDEN_TOLERANCE, type GoldenResult, checkGoldenCase, parseGoldenCase } from '@deeprnn/core';
import type { Command } from 'commander';
import { loadBackend } from '../backends.js';
import { type GoldenTarget, collectGoldenTargets } from '../golden-files.js';
import { loadOnnxBackendTestCase, withOnnxWeights } from '../onnx-cases.js';
import { formatTable, sci } from '../table.js';

interface GoldenOptions {
  backend: string;
  engine?: string;
  provider?: string;
  dtype?: 'float32' | 'float64';
  json?: boolean;
}

function isCaseJson(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'config' in json && 'params' in json && 'output' in json;
}

/** Loads a target as a golden case, or null when the file is JSON but not a case (e.g. a manifest). */
async function loadTarget(target: GoldenTarget): Promise<GoldenCase | null> {
  if (target.kind === 'onnx-test-dir') return loadOnnxBackendTestCase(target.path);
  const json: unknown = JSON.parse(readFileSync(target.path, 'utf8'));
  if (!isCaseJson(json)) return null;
  const goldenCase = parseGoldenCase(json, basename(target.path));
  return target.onnxPath ? withOnnxWeights(goldenCase, target.onnxPath) : goldenCase;
}

/** `deeprnn golden`: runs golden case files on a backend and compares output, hN and cN. */
export function registerGoldenCommand(program: Command): void {
  program
    .command('golden')
    .description('run golden case files (the format of shared/golden/README.md) on a backend and compare')
    .argument('<paths...>', 'case files or directories (searched recursively; index.json skipped)')
    .option('--backend <name>', 'reference, onnxruntime or tfjs', 'reference')
    .option('--engine <engine>', 'tfjs engine: webgpu, wasm, cpu, tfjs-node, tfjs-node-gpu')
    .option('--provider <ep>', 'onnxruntime execution provider: cuda, webgpu, cpu')
    .option('--dtype <dtype>', 'reference precision: float32 or float64', 'float32')
    .option('--json', 'one JSON object per case, then a summary object')
    .addHelpText('after', `
A case passes when every element of output, hN and cN satisfies
  |got - want| <= ${GOLDEN_TOLERANCE.atol} + ${GOLDEN_TOLERANCE.rtol} * |want|   (float32 tolerance)
For NAME.json with NAME.onnx beside it, the weights come from importing NAME.onnx and every entry of
"runs" is checked. A directory holding model.onnx and test_data_set_N/ (the ONNX backend-test layout)
is one case: the model is imported, run on the backend and compared with output_K.pb.
Prints one line per case and a last line "N passed, N failed"; exits 1 when any case fails.`)
    .action(async (paths: string[], opts: GoldenOptions) => {
      const targets = collectGoldenTargets(paths);
      const { backend, notices } = await loadBackend({
        name: opts.backend,
        ...(opts.engine ? { engine: opts.engine } : {}),
        ...(opts.provider ? { provider: opts.provider } : {}),
        ...(opts.dtype ? { dtype: opts.dtype } : {}),
      });
      for (const n of notices) process.stderr.write(`note: ${n}\n`);
      const results: GoldenResult[] = [];
      try {
        for (const target of targets) {
          let result: GoldenResult;
          try {
            const goldenCase = await loadTarget(target);
            if (goldenCase === null) continue;
            result = await checkGoldenCase(backend, goldenCase);
          } catch (e) {
            const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
            result = { name: basename(target.path), pass: false, maxAbsError: NaN, maxRelError: NaN, failures: [why] };
          }
          results.push(result);
          if (opts.json) process.stdout.write(`${JSON.stringify({ ...result, backend: backend.name, device: backend.device })}\n`);
        }
      } finally {
        await backend.dispose();
      }
      const passed = results.filter((r) => r.pass).length;
      const failed = results.length - passed;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ backend: backend.name, device: backend.device, passed, failed })}\n`);
      } else {
        process.stdout.write(`backend ${backend.name} on ${backend.device}\n`);
        const rows = results.map((r) => [r.name, sci(r.maxAbsError), sci(r.maxRelError), r.pass ? 'pass' : 'FAIL']);
        process.stdout.write(`${formatTable(['case', 'max abs err', 'max rel err', 'result'], rows)}\n`);
        for (const r of results.filter((x) => !x.pass)) process.stdout.write(`FAIL ${r.name}: ${r.failures.join('; ')}\n`);
      }
      process.stdout.write(`${passed} passed, ${failed} failed\n`);
      if (failed > 0 || results.length === 0) process.exitCode = 1;
    });
}
