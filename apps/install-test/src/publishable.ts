import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** A workspace that is published to npm (its package.json is not `private`). */
export interface Publishable {
  readonly name: string;
  readonly version: string;
  /** Its folder relative to the repository root, e.g. `packages/core`. */
  readonly dir: string;
}

interface Manifest {
  readonly name?: string;
  readonly version?: string;
  readonly private?: boolean;
}

/**
 * Every publishable workspace under `packages/` and `apps/` (the root's `workspaces` globs), found from
 * the package.json files, so a new package is packed without anyone editing this list.
 */
export function publishableWorkspaces(root: string): Publishable[] {
  const found: Publishable[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(root, group)).sort()) {
      const file = join(root, group, entry, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
      if (manifest.private === true || manifest.name === undefined || manifest.version === undefined) continue;
      found.push({ name: manifest.name, version: manifest.version, dir: `${group}/${entry}` });
    }
  }
  return found;
}

/** The version the repository's lockfile resolved for `name` (what `npm ci` put in the npm cache). */
export function lockedVersion(root: string, name: string): string {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, { version?: string }>;
  };
  const version = lock.packages?.[`node_modules/${name}`]?.version;
  if (version === undefined) throw new Error(`package-lock.json has no node_modules/${name}`);
  return version;
}
