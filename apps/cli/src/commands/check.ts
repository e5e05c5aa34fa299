import {
  type OnnxCodec,
  PROPERTY_NAMES,
  type PropertyName,
  type PropertyResult,
  checkBackend,
} from '@deeprnn/conformance';
import type { Backend } from '@deeprnn/core';
import { type Command, InvalidArgumentError } from 'commander';
import { type BackendFlags, type BackendOptionsSpec, addBackendOptions, backendSelection } from '../backend-options.js';
import { BACKEND_NAMES, type BackendChoice, type LoadedBackend } from '../backends.js';
import { requireInputFile } from '../file-checks.js';
import { integerAtLeast, integerIn } from '../flag-values.js';
import { printNotices } from '../notices.js';
import { formatTable, sci } from '../table.js';
import { type CheckCommandOptions, type CheckIo, DEFAULT_IO, hasFunctions } from './check-io.js';
import { runOnnxModelCheck } from './check-onnx.js';
import { runKerasModelCheck } from './check-keras.js';

export { type CheckCommandOptions, type CheckIo } from './check-io.js';
export { runOnnxModelCheck } from './check-onnx.js';

/** One row of the report: a property's result on a backend, or (property `load`) a backend that did not load. */
export interface CheckRow {
  readonly backend: string;
  readonly device: string;
  readonly property: PropertyName | 'load';
  readonly result: PropertyResult;
}

// One flag parser for the CLI (src/flag-values.ts); fast-check seeds are 32-bit signed integers.
const positiveInt = integerAtLeast(1);
const integer = integerIn(-(2 ** 31), 2 ** 31 - 1);

function propertyList(value: string): PropertyName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const n of names) {
    if (!(PROPERTY_NAMES as readonly string[]).includes(n)) {
      throw new InvalidArgumentError(`unknown property '${n}' (known: ${PROPERTY_NAMES.join(', ')})`);
    }
  }
  return names as PropertyName[];
}

async function onnxCodec(io: CheckIo): Promise<OnnxCodec | undefined> {
  const mod = await io.importOptional('@deeprnn/onnx');
  return hasFunctions(mod, ['exportOnnx', 'importOnnx']) ? (mod as unknown as OnnxCodec) : undefined;
}

function replayCommand(backend: string, r: PropertyResult, runs: number | undefined): string {
  const f = r.failure;
  if (!f) return '';
  const runsFlag = runs === undefined ? '' : ` --runs ${runs}`;
  return `deeprnn check --backend ${backend} --properties ${r.property}${runsFlag} --seed ${f.seed} --path '${f.path}'`;
}

function resultCell(r: PropertyResult): string {
  if (r.skipped !== undefined) return `skipped (${r.skipped})`;
  return r.pass ? 'pass' : 'FAIL';
}

/** The backend x property table, one row per result. */
export function formatCheckTable(rows: readonly CheckRow[]): string {
  return formatTable(
    ['backend', 'property', 'runs', 'max error', 'result'],
    rows.map(({ backend, property, result: r }) => [
      backend,
      property,
      String(r.runs),
      r.skipped !== undefined ? '-' : sci(r.maxError),
      resultCell(r),
    ]),
  );
}

function loadFailure(name: string, e: unknown): CheckRow {
  const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const result: PropertyResult = {
    property: 'capabilities',
    runs: 0,
    discarded: 0,
    maxError: Infinity,
    pass: false,
    failure: { seed: 0, path: '', counterexample: '', message: `the backend did not load: ${why}` },
  };
  return { backend: name, device: '-', property: 'load', result };
}

/** Runs the properties on every named backend; returns the process exit code (0 all pass, 1 any fails). */
export async function runBackendChecks(opts: CheckCommandOptions, io: CheckIo = DEFAULT_IO): Promise<number> {
  const isExplicit = opts.backends !== undefined && opts.backends.length > 0;
  const names = isExplicit ? opts.backends! : BACKEND_NAMES;
  const codec = await onnxCodec(io);
  const rows: CheckRow[] = [];
  const failures: string[] = [];
  for (const name of names) {
    const choice: BackendChoice = {
      name,
      ...(opts.dtype ? { dtype: opts.dtype } : {}),
      ...(opts.engine ? { engine: opts.engine } : {}),
      ...(opts.provider ? { provider: opts.provider } : {}),
    };
    let first: LoadedBackend;
    try {
      first = await io.load(choice);
    } catch (e) {
      if (isExplicit) {
        const row = loadFailure(name, e);
        rows.push(row);
        if (opts.json)
          io.out(
            `${JSON.stringify({ backend: name, property: 'load', pass: false, error: row.result.failure?.message })}\n`,
          );
      } else io.err(`note: skipping ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
      continue;
    }
    printNotices(first, io.err);
    const { backend } = first;
    let isFirstHandedOut = false;
    // The first backend is the one under test; later ones are spares that `dispose` may dispose.
    const factory = async (): Promise<Backend> => {
      if (!isFirstHandedOut) {
        isFirstHandedOut = true;
        return backend;
      }
      return (await io.load(choice)).backend;
    };
    const results = await checkBackend(factory, {
      ...(opts.runs !== undefined ? { runs: opts.runs } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.path !== undefined ? { path: opts.path } : {}),
      ...(opts.properties ? { properties: opts.properties } : {}),
      ...(codec ? { onnx: codec } : {}),
      onResult: (r) => {
        if (opts.json) io.out(`${JSON.stringify({ backend: backend.name, device: backend.device, ...r })}\n`);
      },
    });
    for (const r of results) {
      rows.push({ backend: name, device: backend.device, property: r.property, result: r });
      if (r.failure) {
        failures.push(
          [
            `${name} ${r.property}: ${r.failure.message.split('\n').join('\n  ')}`,
            `  smallest failing case: ${r.failure.counterexample}`,
            `  replay: ${replayCommand(name, r, opts.runs)}`,
          ].join('\n'),
        );
      }
    }
    if (!opts.json) io.out(`${name}: ${backend.device}\n`);
  }
  const passed = rows.filter((r) => r.result.pass && r.result.skipped === undefined).length;
  const failed = rows.filter((r) => !r.result.pass).length;
  const skipped = rows.length - passed - failed;
  if (opts.json) {
    io.out(`${JSON.stringify({ passed, failed, skipped })}\n`);
  } else {
    io.out(`\n${formatCheckTable(rows)}\n`);
    if (failures.length > 0) io.out(`\n${failures.join('\n\n')}\n`);
  }
  io.out(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

/** The flags of `deeprnn check` as commander parses them. */
type CheckFlags = Omit<CheckCommandOptions, 'backends' | 'dtype' | 'engine' | 'provider'> & BackendFlags;

const BACKENDS: BackendOptionsSpec = {
  purpose: 'backends to check (default: every one that loads)',
  isRepeatable: true,
  defaults: BACKEND_NAMES,
};

/** `deeprnn check`: the conformance properties outside vitest, or `--onnx M.onnx` against onnxruntime. */
export function registerCheckCommand(program: Command): void {
  addBackendOptions(program.command('check'), BACKENDS)
    .description(
      'run the conformance properties against installed backends, or check an ONNX model against the reference',
    )
    .option('--runs <n>', 'cases per property (default: the CI budget times DEEPRNN_FC_RUNS)', positiveInt)
    .option('--seed <n>', 'fast-check seed (default: FC_SEED, else fresh; printed on failure)', integer)
    .option('--path <path>', 'fast-check replay path of a failure (with its --seed and --properties)')
    .option('--properties <list>', `only these properties: ${PROPERTY_NAMES.join(', ')}`, propertyList)
    .option('--onnx <file>', 'check an ONNX model: onnxruntime on its bytes vs the reference on its imported spec')
    .option(
      '--keras <file>',
      'check a tfjs-layers model.json (or .keras/.h5): tfjs-layers itself vs every deeprnn backend, largest difference',
    )
    .option('--json', 'one JSON object per result, then a summary object')
    .addHelpText(
      'after',
      `
Prints a table (backend x property: runs, max error, result) and a last line "N passed, N failed";
exits 1 when any property fails. A failure prints the seed, path and the command that replays it.
Max error is the largest |got - want| / max(|want|, rms(want), atol/rtol) seen.
With --onnx, exits 2 when @deeprnn/onnx or @deeprnn/backend-onnxruntime is not installed.`,
    )
    .action(async (flags: CheckFlags) => {
      const { choices, isExplicit } = backendSelection(flags, BACKENDS);
      const { backend: _named, backends: _alias, ...rest } = flags;
      const opts: CheckCommandOptions = { ...rest, ...(isExplicit ? { backends: choices.map((c) => c.name) } : {}) };
      if (opts.keras) {
        process.exitCode = await runKerasModelCheck(requireInputFile(opts.keras, '--keras'), opts);
        return;
      }
      process.exitCode = opts.onnx
        ? await runOnnxModelCheck(requireInputFile(opts.onnx, '--onnx'), opts)
        : await runBackendChecks(opts);
    });
}
