import { basename } from 'node:path';
import { GOLDEN_TOLERANCE, type GoldenResult } from '@deeprnn/core';
import type { Command } from 'commander';
import { loadBackend } from '../backends.js';
import { collectGoldenTargets } from '../golden-files.js';
import { runGoldenTarget } from '../golden-target.js';
import { formatTable, sci } from '../table.js';

interface GoldenOptions {
  backend: string;
  engine?: string;
  provider?: string;
  dtype?: 'float32' | 'float64';
  json?: boolean;
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
            const ran = await runGoldenTarget(backend, target);
            if (ran === null) continue;
            result = ran;
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
