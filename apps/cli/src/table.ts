/** Formats rows as left-aligned, space-separated columns under a header, for terminal output. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A number in compact scientific notation for error columns (e.g. 1.2e-7), or the word for NaN/Infinity. */
export function sci(x: number): string {
  return Number.isFinite(x) ? x.toExponential(1) : String(x);
}

/** A number with a fixed count of significant digits for timing columns. */
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  return x >= 10 ** digits ? Math.round(x).toString() : Number(x.toPrecision(digits)).toString();
}
