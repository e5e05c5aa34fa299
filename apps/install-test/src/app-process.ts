import { spawn } from 'node:child_process';
import { tail, userEnv } from './npm-command.js';

/** What a program run in the app printed. */
export interface AppOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command args` in `appDir` with a user's environment and parses each stdout line as JSON.
 *
 * @throws Error with the program's output when it exits non-zero or prints a line that is not JSON.
 */
export function runJsonLines<T>(
  appDir: string,
  command: string,
  args: readonly string[],
): Promise<AppOutput & { readonly lines: T[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: appDir, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const failure = (why: string): Error =>
        new Error(
          `${command} ${args.join(' ')} (in ${appDir}) ${why}\nstdout:\n${tail(stdout)}\nstderr:\n${tail(stderr)}`,
        );
      if (code !== 0) return reject(failure(`exited ${code}`));
      try {
        resolve({
          lines: stdout
            .trim()
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as T),
          stdout,
          stderr,
        });
      } catch (e) {
        reject(failure(`printed a line that is not JSON (${String(e)})`));
      }
    });
  });
}
