// node:fs is reached through process.getBuiltinModule, not a static import, so that this file (part
// of the main entry) also bundles for browsers, where it is never called.
interface Fs {
  openSync(path: string, flags: string): number;
  closeSync(fd: number): void;
  fstatSync(fd: number): unknown;
}

function nodeFs(): Fs | undefined {
  const proc = (globalThis as { process?: { platform?: string; getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc?.platform !== 'linux') return undefined;
  return proc.getBuiltinModule?.('node:fs') as Fs | undefined;
}

/**
 * Runs the synchronous `call` with file descriptor 2 pointed at /dev/null, then points it back at
 * what it was (reopened through /proc/self/fd, append mode). Used only around Dawn's adapter
 * discovery: Dawn's native code writes two warnings there ("maxDynamic...BuffersPerPipelineLayout
 * artificially reduced ...") on drivers that report unbounded dynamic buffers (Mesa's lavapipe), no
 * Dawn option turns them off, and a library must not write into its user's stderr.
 *
 * Node has no dup2, so the swap is close(2) then open, which takes the lowest free descriptor: 2,
 * as descriptors 0 and 1 are checked to be open first. Nothing else runs on the JavaScript thread
 * meanwhile (`call` is synchronous); only another native thread opening a file in the microseconds
 * between the two calls could take descriptor 2 instead (stderr is then lost to it). Where the swap cannot be done safely (not
 * Linux, stdin or stdout closed, stderr not reopenable, e.g. a socket), `call` runs with stderr as it is.
 */
export function withStderrSilenced<T>(call: () => T): T {
  const fs = nodeFs();
  if (!fs) return call();
  let saved: number;
  try {
    fs.fstatSync(0);
    fs.fstatSync(1);
    saved = fs.openSync('/proc/self/fd/2', 'a');
  } catch {
    return call();
  }
  fs.closeSync(2);
  let devNull = -1;
  try {
    devNull = fs.openSync('/dev/null', 'w');
  } catch {
    // No /dev/null: descriptor 2 stays closed during the call (writes to it fail quietly).
  }
  if (devNull !== -1 && devNull !== 2) {
    // Another thread took descriptor 2 between the close and the open: it is theirs now.
    fs.closeSync(devNull);
    fs.closeSync(saved);
    return call();
  }
  try {
    return call();
  } finally {
    if (devNull === 2) fs.closeSync(2);
    // The lowest free descriptor again: 2, now the saved stderr.
    fs.openSync(`/proc/self/fd/${saved}`, 'a');
    fs.closeSync(saved);
  }
}
