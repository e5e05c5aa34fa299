import { basename } from 'node:path';
import { GOLDEN_TOLERANCE, type GoldenResult } from '@deeprnn/core';
import type { Command } from 'commander';
import { type BackendFlags, type BackendOptionsSpec, addBackendOptions, singleBackend } from '../backend-options.js';
import { loadBackend } from '../backends.js';
import { InputError } from '../cli-errors.js';
import { requireInputPath } from '../file-checks.js';
import { collectGoldenTargets } from '../golden-files.js';
import { printNotices } from '../notices.js';
import { type LoadedTarget, comparedFields, loadGoldenTarget, runGoldenTarget } from '../golden-target.js';
import { formatTable, sci } from '../table.js';

interface GoldenOptions extends BackendFlags {
  json?: boolean;
}

const BACKENDS: BackendOptionsSpec = {
  purpose: 'backend to run the cases on',
  isRepeatable: false,
  defaults: ['reference'],
};

/** `deeprnn golden`: runs golden case files on a backend and compares output, hN and cN. */
export function registerGoldenCommand(program: Command): void {
  addBackendOptions(program.command('golden'), BACKENDS)
    .description('run golden case files (the format of shared/golden/README.md) on a backend and compare')
    .argument('<paths...>', 'case files or directories (searched recursively; index.json skipped)')
    .option('--json', 'one JSON object per case, then a summary object')
    .addHelpText(
      'after',
      `
A case passes when every element of output, hN and cN satisfies
  |got - want| <= ${GOLDEN_TOLERANCE.atol} + ${GOLDEN_TOLERANCE.rtol} * |want|   (float32 tolerance)
A case may give "lengths" (valid steps per batch row) and, instead of output/hN/cN beside the input,
an "expected" object with any of them (a source that checks only the final state); the "compared"
column says what each case checks. Every file is read and checked before the backend starts: a file
named on the command line that is not a case, or a case with a malformed field, stops the run with
exit 3 naming the file and the field; a JSON file in a folder with none of config, params, input is
skipped with a note on stderr.
For NAME.json with NAME.onnx beside it, the weights come from importing NAME.onnx and every entry of
"runs" is checked. A directory holding model.onnx and test_data_set_N/ (the ONNX backend-test layout)
is one case: the model is imported, run on the backend and compared with output_K.pb.
Prints one line per case and a last line "N passed, N failed"; exits 1 when any case fails.`,
    )
    .action(async (paths: string[], opts: GoldenOptions) => {
      const choice = singleBackend(opts, BACKENDS);
      for (const p of paths) requireInputPath(p, 'golden');
      const targets: LoadedTarget[] = [];
      for (const t of collectGoldenTargets(paths)) targets.push(await loadGoldenTarget(t));
      for (const t of targets)
        if (t.kind === 'skipped') process.stderr.write(`note: golden: skipped ${t.target.path}: ${t.why}\n`);
      const runnable = targets.filter(
        (t): t is LoadedTarget & { kind: 'case' | 'onnx-test-dir' } => t.kind !== 'skipped',
      );
      if (runnable.length === 0)
        throw new InputError(
          `golden: expected case files (NAME.json) or ONNX test folders (model.onnx), found none in ${paths.join(', ')}`,
        );
      const loaded = await loadBackend(choice);
      printNotices(loaded);
      const { backend } = loaded;
      const results: (GoldenResult & { compared: string })[] = [];
      try {
        for (const target of runnable) {
          const compared = target.kind === 'case' ? comparedFields(target.goldenCase) : 'output_K.pb';
          let result: GoldenResult;
          try {
            result = await runGoldenTarget(backend, target);
          } catch (e) {
            const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
            result = {
              name: basename(target.target.path),
              pass: false,
              maxAbsError: NaN,
              maxRelError: NaN,
              failures: [why],
            };
          }
          results.push({ ...result, compared });
          if (opts.json)
            process.stdout.write(
              `${JSON.stringify({ ...result, compared, backend: backend.name, device: backend.device })}\n`,
            );
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
        const rows = results.map((r) => [
          r.name,
          sci(r.maxAbsError),
          sci(r.maxRelError),
          r.pass ? 'pass' : 'FAIL',
          r.compared,
        ]);
        process.stdout.write(`${formatTable(['case', 'max abs err', 'max rel err', 'result', 'compared'], rows)}\n`);
        for (const r of results.filter((x) => !x.pass))
          process.stdout.write(`FAIL ${r.name}: ${r.failures.join('; ')}\n`);
      }
      process.stdout.write(`${passed} passed, ${failed} failed\n`);
      if (failed > 0 || results.length === 0) process.exitCode = 1;
    });
}
