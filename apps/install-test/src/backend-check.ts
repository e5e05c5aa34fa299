import { spawn } from 'node:child_process';
import { tail, userEnv } from './npm-command.js';

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

/**
 * Runs the app's check-backends.mjs with `node` in `appDir` for `backends`, with a user's environment.
 *
 * @throws Error with the script's output when it exits non-zero or prints a line that is not JSON.
 */
export function checkBackends(appDir: string, backends: readonly BackendName[]): Promise<CheckRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['check-backends.mjs', ...backends], { cwd: appDir, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const failure = (why: string): Error => new Error(`node check-backends.mjs ${backends.join(' ')} (in ${appDir}) ${why}\nstdout:\n${tail(stdout)}\nstderr:\n${tail(stderr)}`);
      if (code !== 0) return reject(failure(`exited ${code}`));
      try {
        resolve({ lines: stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BackendLine), stderr });
      } catch (e) {
        reject(failure(`printed a line that is not JSON (${String(e)})`));
      }
    });
  });
}
