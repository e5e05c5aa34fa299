import { constants, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError, UsageError } from '../cli-errors.js';
import { portNumber } from '../flag-values.js';
import { startPlaygroundServer } from '../playground-server.js';
import { repoRoot } from '../repo-paths.js';

interface PlaygroundFlags {
  port: number;
  dir?: string;
  corpus?: string;
}

function errnoOf(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'error';
}

/**
 * The corpus must be a readable regular file when the server starts, so a typo is one line at start-up
 * instead of a 500 on every page load. Non-blocking open: a FIFO is refused, not waited on.
 */
async function requireCorpus(path: string, what: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = errnoOf(e);
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
    throw new InputError(`${what}: expected a text file, but ${path} ${reason}`, { cause: e });
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new InputError(`${what}: expected a text file, got the folder ${path}`);
    if (!info.isFile())
      throw new InputError(`${what}: expected a regular text file, got ${path} (a device, FIFO or socket)`);
  } finally {
    await handle.close();
  }
  return path;
}

/** The listen errors a user can act on, as one line naming the flag; anything else is rethrown. */
function listenError(e: unknown, port: number): unknown {
  const code = errnoOf(e);
  if (code === 'EADDRINUSE') {
    return new UsageError(
      `--port ${port}: port ${port} is already in use on 127.0.0.1 (stop what holds it, or pick another port; --port 0 takes any free one)`,
      { cause: e },
    );
  }
  if (code === 'EACCES') {
    return new UsageError(
      `--port ${port}: not permitted to listen on port ${port} (ports below 1024 need privileges; pick another, or --port 0)`,
      { cause: e },
    );
  }
  return e;
}

/** `deeprnn playground`: serves the built page on 127.0.0.1 with COOP/COEP headers and prints its URL. */
export function registerPlaygroundCommand(program: Command): void {
  program
    .command('playground')
    .description('serve the playground page (train, check, load and generate in the browser) on 127.0.0.1')
    .option('--port <n>', 'port on 127.0.0.1, a decimal number from 0 to 65535 (0: any free port)', portNumber, 5180)
    .option('--dir <path>', 'the built page (default apps/playground/dist of this checkout)')
    .option('--corpus <file>', 'text served as the training corpus (default: The Time Machine shipped in @deeprnn/lm)')
    .action(async (f: PlaygroundFlags) => {
      const root = resolve(f.dir ?? join(repoRoot() ?? '.', 'apps', 'playground', 'dist'));
      if (!existsSync(join(root, 'index.html'))) {
        throw new InputError(
          `--dir: no built playground at ${root} (build it: npm run build -w @deeprnn/playground, or pass --dir)`,
        );
      }
      const corpusPath =
        f.corpus !== undefined
          ? await requireCorpus(resolve(f.corpus), '--corpus')
          : await requireCorpus(
              (await import('@deeprnn/lm/node')).bundledCorpusPath(),
              'the corpus shipped in @deeprnn/lm',
            );
      const log = (line: string): void => void process.stderr.write(`deeprnn playground: ${line}\n`);
      const { url } = await startPlaygroundServer({ root, port: f.port, corpusPath, log }).catch((e: unknown) => {
        throw listenError(e, f.port);
      });
      process.stdout.write(`deeprnn playground: ${url} (Ctrl+C to stop)\n`);
    });
}
