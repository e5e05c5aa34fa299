/**
 * Run counts, seed and replay path of every fast-check property, read from the environment in this
 * one place so the vitest suite, the CLI and the README agree on what each variable means.
 */

/** The knobs of one conformance run. */
export interface FcSettings {
  /** Multiplies every property's base run count (`DEEPRNN_FC_RUNS`, default 1). */
  readonly scale: number;
  /** fast-check seed (`FC_SEED`); absent means a fresh seed per run, printed on failure. */
  readonly seed?: number;
  /** fast-check replay path (`FC_PATH`), used together with the seed of the failure. */
  readonly path?: string;
  /** Wall-clock budget of one property in ms (`DEEPRNN_FC_TIME_LIMIT_S`, default 30 s). */
  readonly timeLimitMs: number;
}

/** Environment variables the suite reads. */
export const ENV_VARS: Readonly<Record<'runs' | 'seed' | 'path' | 'timeLimit', string>> = Object.freeze({
  runs: 'DEEPRNN_FC_RUNS',
  seed: 'FC_SEED',
  path: 'FC_PATH',
  timeLimit: 'DEEPRNN_FC_TIME_LIMIT_S',
});

type Env = Readonly<Record<string, string | undefined>>;

function processEnv(): Env {
  const proc = (globalThis as { process?: { env?: Env } }).process;
  return proc?.env ?? {};
}

function positiveNumber(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got '${raw}'`);
  return value;
}

/**
 * Reads the settings from environment variables.
 *
 * @param env - the variables to read; defaults to `process.env`.
 * @returns the settings, with defaults filled in.
 * @throws RangeError when a variable is set to something that is not a number.
 */
export function readSettings(env: Readonly<Record<string, string | undefined>> = processEnv()): FcSettings {
  const scale = positiveNumber(env[ENV_VARS.runs], ENV_VARS.runs, 1);
  const timeLimitMs = positiveNumber(env[ENV_VARS.timeLimit], ENV_VARS.timeLimit, 30) * 1000;
  const seedRaw = env[ENV_VARS.seed];
  const path = env[ENV_VARS.path];
  let seed: number | undefined;
  if (seedRaw !== undefined && seedRaw !== '') {
    seed = Number(seedRaw);
    if (!Number.isInteger(seed)) throw new RangeError(`${ENV_VARS.seed} must be an integer, got '${seedRaw}'`);
  }
  return {
    scale,
    timeLimitMs,
    ...(seed !== undefined ? { seed } : {}),
    ...(path !== undefined && path !== '' ? { path } : {}),
  };
}

/** A property's run count: its base count times the scale, at least 1. */
export function scaledRuns(base: number, scale: number): number {
  return Math.max(1, Math.round(base * scale));
}
