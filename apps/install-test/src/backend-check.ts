import { runJsonLines } from './app-process.js';

/** The backends every app checks, by the name the check script knows them. */
export const BACKENDS = ['onnxruntime', 'tfjs', 'webgpu'] as const;

/** A backend name of {@link BACKENDS}. */
export type BackendName = (typeof BACKENDS)[number];

/** One line of the check script: how one backend did in the app. */
export interface BackendLine {
  readonly name: BackendName;
  readonly package: string;
  /** Where the app's Node resolved the package (must be inside the app's node_modules). */
  readonly resolved: string;
  /** ran: a forward ran; unavailable: BackendInitError (no device, runtime missing); error: anything else. */
  readonly status: 'ran' | 'unavailable' | 'error';
  readonly device?: string;
  readonly tolerance?: { readonly rtol: number; readonly atol: number };
  /** Worst |got - want| / (atol + rtol |want|) over the output; null when infinite or NaN. */
  readonly outputRatio?: number | null;
  readonly stateRatio?: number | null;
  readonly code?: string | null;
  readonly error?: string;
}

/** What the check script printed: one line per backend asked for, and its stderr. */
export interface CheckRun {
  readonly lines: readonly BackendLine[];
  readonly stderr: string;
}

/** Runs the app's check-backends.mjs with `node` for `backends` (see {@link runJsonLines}). */
export async function checkBackends(appDir: string, backends: readonly BackendName[]): Promise<CheckRun> {
  const { lines, stderr } = await runJsonLines<BackendLine>(appDir, process.execPath, [
    'check-backends.mjs',
    ...backends,
  ]);
  return { lines, stderr };
}

/** One line of import-all.mjs: whether a package's main entry imports in the app. */
export interface ImportLine {
  readonly package: string;
  readonly status: 'ok' | 'error';
  readonly resolved?: string;
  /** How many names the entry exports. */
  readonly exports?: number;
  readonly error?: string;
}

/** Imports each of `packages` by its main entry in the app, with `node` (see {@link runJsonLines}). */
export async function importAll(appDir: string, packages: readonly string[]): Promise<ImportLine[]> {
  return (await runJsonLines<ImportLine>(appDir, process.execPath, ['import-all.mjs', ...packages])).lines;
}
