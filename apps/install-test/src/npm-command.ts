import { spawn } from 'node:child_process';

/** What an npm command printed and how it ended. */
export interface NpmResult {
  readonly exitCode: number | null;
  /** stdout alone (where `--json` output goes). */
  readonly stdout: string;
  /** stdout and stderr interleaved as they arrived. */
  readonly output: string;
}

/**
 * The environment of a user's shell: this process's, minus what npm put there for the running script.
 * `npm test` exports every config of the repository's `.npmrc` as `npm_config_*` (and the workspace
 * prefix), which would leak into the app's install and hide what a user meets.
 */
export function userEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && key !== 'NODE_PATH') env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs `npm ...args` in `cwd` and collects its output; never rejects on a non-zero exit. */
export function runNpm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<NpmResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => {
      chunks.push(c);
      out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (exitCode) =>
      resolve({
        exitCode,
        stdout: Buffer.concat(out).toString('utf8'),
        output: Buffer.concat(chunks).toString('utf8'),
      }),
    );
  });
}

/** The last `lines` lines of `text`, for failure messages that show what npm said without flooding. */
export function tail(text: string, lines = 60): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
