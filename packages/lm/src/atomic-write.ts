import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * Writes a file so that readers see either the old content or the new, never a torn write: the bytes
 * go to a temp file beside the target, then a rename replaces it (atomic on one file system).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
