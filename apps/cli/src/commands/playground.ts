import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '@deeprnn/core';
import type { Command } from 'commander';
import { corpusFile, startPlaygroundServer } from '../playground-server.js';
import { repoRoot } from '../repo-paths.js';

interface PlaygroundFlags {
  port: string;
  dir?: string;
  corpus?: string;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be an integer in [0, 65535], got '${value}'`);
  return port;
}

/** `deeprnn playground`: serves the built page on 127.0.0.1 with COOP/COEP headers and prints its URL. */
export function registerPlaygroundCommand(program: Command): void {
  program
    .command('playground')
    .description('serve the playground page (train, check, load and generate in the browser) on 127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', '5180')
    .option('--dir <path>', 'the built page (default apps/playground/dist of this checkout)')
    .option('--corpus <file>', 'text served as the training corpus (default: The Time Machine, downloaded once)')
    .action(async (f: PlaygroundFlags) => {
      const port = portNumber(f.port);
      const root = resolve(f.dir ?? join(repoRoot() ?? '.', 'apps', 'playground', 'dist'));
      if (!existsSync(join(root, 'index.html'))) {
        throw new ConfigError(`no built playground at ${root} (build it: npm run build -w @deeprnn/playground, or pass --dir)`);
      }
      const corpus = f.corpus !== undefined
        ? () => corpusFile(f.corpus!)
        : async () => (await (await import('@deeprnn/lm/node')).timeMachine()).text;
      const { url } = await startPlaygroundServer({ root, port, corpus });
      process.stdout.write(`deeprnn playground: ${url} (Ctrl+C to stop)\n`);
    });
}
