import type { PropertyName } from '@deeprnn/conformance';
import { type BackendChoice, type LoadedBackend, loadBackend } from '../backends.js';

/** Options of `deeprnn check`, as commander parses them. */
export interface CheckCommandOptions {
  readonly backends?: readonly string[];
  readonly runs?: number;
  readonly seed?: number;
  readonly path?: string;
  readonly properties?: readonly PropertyName[];
  readonly json?: boolean;
  readonly onnx?: string;
  /** A tfjs-layers model.json, .keras or .h5 to check (check-keras.ts). */
  readonly keras?: string;
  readonly dtype?: BackendChoice['dtype'];
  readonly engine?: BackendChoice['engine'];
  readonly provider?: BackendChoice['provider'];
}

/** What `check` needs from the outside world; tests replace it. */
export interface CheckIo {
  readonly load: (choice: BackendChoice) => Promise<LoadedBackend>;
  /** Imports a package by name, or resolves null when it is not installed. */
  readonly importOptional: (name: string) => Promise<unknown>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The real world: backends, optional packages, stdout and stderr. */
export const DEFAULT_IO: CheckIo = {
  load: loadBackend,
  importOptional: async (name) => {
    try {
      const mod: unknown = await import(name);
      return mod;
    } catch {
      return null;
    }
  },
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** True when `mod` is an object with a function under each key (an optional package's API). */
export function hasFunctions<K extends string>(
  mod: unknown,
  keys: readonly K[],
): mod is Record<K, (...args: never[]) => unknown> {
  return (
    typeof mod === 'object' &&
    mod !== null &&
    keys.every((k) => typeof (mod as Record<string, unknown>)[k] === 'function')
  );
}

/** The ONNX export/import of @deeprnn/onnx when it is installed, for the round-trip property. */
