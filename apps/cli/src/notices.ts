import type { LoadedBackend } from './backends.js';

// Backends explain at start-up why faster devices did not start (a missing CUDA library, no WebGPU
// adapter). `deeprnn info` prints those notices in full; every other command says each backend's
// once per run, in one short line (in full with --verbose), so a session of several commands does
// not repeat the same paragraphs.

let isVerbose = false;
const said = new Set<string>();

/** Turns full notices on or off (the `--verbose` flag). */
export function setVerboseNotices(verbose: boolean): void {
  isVerbose = verbose;
}

/** The lines to print for a loaded backend's notices: every notice with --verbose, else one summary. */
export function noticeLines(loaded: LoadedBackend, verbose: boolean): readonly string[] {
  const { backend, notices } = loaded;
  if (notices.length === 0) return [];
  if (verbose) return notices.map((n) => (n.startsWith(`${backend.name}:`) ? n : `${backend.name}: ${n}`));
  const count = notices.length === 1 ? 'one start-up notice' : `${notices.length} start-up notices`;
  return [`${backend.name} runs on ${backend.device}; ${count}: --verbose or \`deeprnn info\` prints them`];
}

/** Prints a loaded backend's notices on stderr as `note: ...`, never the same line twice in one run. */
export function printNotices(
  loaded: LoadedBackend,
  write: (text: string) => void = (t) => void process.stderr.write(t),
): void {
  for (const line of noticeLines(loaded, isVerbose)) {
    if (said.has(line)) continue;
    said.add(line);
    write(`note: ${line}\n`);
  }
}
