import type { PropertyResult } from './check-property.js';
import { ENV_VARS } from './settings.js';

/**
 * A multi-line report of a failed property: what went wrong, the shrunk case, the seed and path, and
 * the command that replays exactly that case.
 *
 * @param backendName - the backend's name, for the first line.
 * @param result - a failed result of {@link checkBackend} or the vitest suite.
 * @param replay - the command to print, built from the seed and path (e.g. {@link vitestReplayCommand}).
 */
export function formatFailure(
  backendName: string,
  result: PropertyResult,
  replay: (seed: number, path: string) => string,
): string {
  const f = result.failure;
  if (!f) return `${backendName} ${result.property}: passed`;
  return [
    `${backendName} fails '${result.property}' after ${result.runs} run(s):`,
    indent(f.message),
    `smallest failing case: ${f.counterexample}`,
    `seed ${f.seed}, path "${f.path}"`,
    `replay: ${replay(f.seed, f.path)}`,
  ].join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The shell command that replays one failing vitest property: seed and path in the environment. */
export function vitestReplayCommand(file: string, testName: string, seed: number, path: string): string {
  return `${ENV_VARS.seed}=${seed} ${ENV_VARS.path}=${quote(path)} npx vitest run ${quote(file)} -t ${quote(testName)}`;
}
