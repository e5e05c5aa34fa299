import { type Command, Option } from 'commander';
import {
  BACKEND_NAMES,
  type BackendChoice,
  type BackendName,
  DTYPES,
  type Dtype,
  ENGINES,
  PROVIDERS,
} from './backends.js';
import { UsageError } from './cli-errors.js';
import { oneOf, repeatable } from './flag-values.js';

/** The backend flags as commander parses them (every value already one of the known names). */
export interface BackendFlags {
  readonly backend?: readonly BackendName[];
  /** `--backends`, the older spelling of a repeatable `--backend` (hidden from help). */
  readonly backends?: readonly BackendName[];
  readonly dtype?: Dtype;
  readonly engine?: BackendChoice['engine'];
  readonly provider?: BackendChoice['provider'];
}

/** How a command uses backends. */
export interface BackendOptionsSpec {
  /** What `--backend` is for, as the help says it ("backend to run on"). */
  readonly purpose: string;
  /** Several backends in one run: `--backend` repeated or given a comma-separated list. */
  readonly isRepeatable: boolean;
  /** The backends used when no `--backend` is given. */
  readonly defaults: readonly BackendName[];
}

/** The backends a command will load, each with its options. */
export interface BackendSelection {
  readonly choices: readonly BackendChoice[];
  /** True when the user named the backends (false: the command's defaults). */
  readonly isExplicit: boolean;
}

/** Adds `--backend`, `--dtype`, `--engine` and `--provider` to a command, each refusing unknown values. */
export function addBackendOptions(cmd: Command, spec: BackendOptionsSpec): Command {
  const name = oneOf(BACKEND_NAMES);
  const backend = spec.isRepeatable
    ? new Option(
        '--backend <names>',
        `${spec.purpose} (repeatable or comma-separated): ${BACKEND_NAMES.join(', ')}`,
      ).argParser(repeatable(name))
    : new Option('--backend <name>', `${spec.purpose}: ${BACKEND_NAMES.join(', ')}`).argParser((v: string) => [
        name(v),
      ]);
  cmd.addOption(backend.default(undefined, spec.defaults.join(',')));
  if (spec.isRepeatable) cmd.addOption(new Option('--backends <names>').argParser(repeatable(name)).hideHelp());
  return cmd
    .addOption(
      new Option('--dtype <dtype>', `reference backend precision: ${DTYPES.join(', ')}`).argParser(oneOf(DTYPES)),
    )
    .addOption(
      new Option('--engine <engine>', `tfjs engine: ${ENGINES.join(', ')} (default: the first that starts)`).argParser(
        oneOf(ENGINES),
      ),
    )
    .addOption(
      new Option(
        '--provider <ep>',
        `onnxruntime execution provider: ${PROVIDERS.join(', ')} (default: the first that starts)`,
      ).argParser(oneOf(PROVIDERS)),
    );
}

/** Refuses a backend option when none of the chosen backends takes it. */
function requireBackendFor(
  flag: string,
  value: string | undefined,
  backend: BackendName,
  names: readonly BackendName[],
): void {
  if (value !== undefined && !names.includes(backend)) {
    throw new UsageError(
      `--${flag} ${value} applies to the ${backend} backend, but --backend is ${names.join(',')}; add --backend ${backend} or drop --${flag}`,
    );
  }
}

/**
 * The validated backend choices of parsed flags: the named backends (or the command's defaults), each
 * with the options that apply to it.
 *
 * @throws {@link UsageError} for `--dtype`, `--engine` or `--provider` without a backend that takes it.
 */
export function backendSelection(flags: BackendFlags, spec: BackendOptionsSpec): BackendSelection {
  const named = [...(flags.backend ?? []), ...(flags.backends ?? [])];
  const names = [...new Set(named.length > 0 ? named : spec.defaults)];
  requireBackendFor('dtype', flags.dtype, 'reference', names);
  requireBackendFor('engine', flags.engine, 'tfjs', names);
  requireBackendFor('provider', flags.provider, 'onnxruntime', names);
  const choices = names.map((name): BackendChoice => ({
    name,
    ...(name === 'reference' && flags.dtype ? { dtype: flags.dtype } : {}),
    ...(name === 'tfjs' && flags.engine ? { engine: flags.engine } : {}),
    ...(name === 'onnxruntime' && flags.provider ? { provider: flags.provider } : {}),
  }));
  return { choices, isExplicit: named.length > 0 };
}

/** The one backend of a command that runs on a single backend. */
export function singleBackend(flags: BackendFlags, spec: BackendOptionsSpec): BackendChoice {
  const { choices } = backendSelection(flags, spec);
  if (choices.length !== 1)
    throw new UsageError(`this command runs on one backend, got --backend ${choices.map((c) => c.name).join(',')}`);
  return choices[0]!;
}
