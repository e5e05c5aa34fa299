import { join } from 'node:path';
import { runNpm, tail, userEnv } from './npm-command.js';
import type { Publishable } from './publishable.js';

/** One tarball `npm pack` wrote. */
export interface PackedTarball {
  readonly name: string;
  /** Absolute path of the .tgz. */
  readonly path: string;
  readonly entryCount: number;
}

interface PackJson {
  readonly name: string;
  readonly filename: string;
  readonly entryCount: number;
}

/**
 * Packs `workspaces` with `npm pack` (the files npm would publish, nothing else) into `destination`,
 * which should be outside the repository.
 *
 * @throws Error with npm's output when packing fails.
 */
export async function packWorkspaces(
  root: string,
  workspaces: readonly Publishable[],
  destination: string,
): Promise<PackedTarball[]> {
  const args = ['pack', '--json', '--pack-destination', destination, ...workspaces.map((w) => `--workspace=${w.dir}`)];
  const result = await runNpm(args, root, userEnv());
  if (result.exitCode !== 0)
    throw new Error(`npm ${args.join(' ')} exited ${result.exitCode}:\n${tail(result.output)}`);
  const packed = JSON.parse(result.stdout) as PackJson[];
  return packed.map((p) => ({ name: p.name, path: join(destination, p.filename), entryCount: p.entryCount }));
}
