import { type Backend, checkGoldenCase, parseGoldenCase } from '@deeprnn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** One case file that Vite's `import.meta.glob` found: its file name and how to load its JSON. */
export interface GlobbedCase {
  readonly name: string;
  readonly load: () => Promise<unknown>;
}

/**
 * The case files of an `import.meta.glob` result, named by file. The glob itself stays in each test
 * file: Vite expands it at transform time and needs its pattern written out there.
 */
export function globbedCases(files: Readonly<Record<string, () => Promise<unknown>>>): readonly GlobbedCase[] {
  return Object.entries(files).map(([path, load]) => ({ name: path.split('/').pop()!, load }));
}

/**
 * Registers one test per case file (PyTorch golden files, peer cases): each is parsed and checked with
 * {@link checkGoldenCase} on one backend, started once for the suite by `create` and disposed after it.
 */
export function goldenSuite(title: string, create: () => Promise<Backend>, cases: readonly GlobbedCase[]): void {
  describe(title, () => {
    let backend: Backend | undefined;
    beforeAll(async () => {
      backend = await create();
    });
    afterAll(async () => {
      await backend?.dispose();
    });
    it.each(cases)('$name', async ({ name, load }) => {
      const result = await checkGoldenCase(backend!, parseGoldenCase(await load(), name));
      expect(result.failures).toEqual([]);
      expect(result.pass).toBe(true);
    });
  });
}
