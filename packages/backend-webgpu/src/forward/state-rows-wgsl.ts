/**
 * WGSL for moving a recurrence's state between device memory and a workgroup. Every recurrent kernel
 * (inference and training) owns R batch rows starting at a first row, reads their initial state
 * (or, in the backward, the seed gradient) at the start and writes the final one at the end; the
 * state row of (direction, batch row b) is `(srow * p.B + b)`, `width` units wide. The loops let the
 * whole workgroup (`lid` of `WG` threads) share the copy.
 */

/** The index of unit `i % width` of row `b` in a state tensor laid out [state row][batch][width]. */
const unitAt = (width: string): string => `(srow * p.B + b) * ${width} + i % ${width}`;

/**
 * Fills `into[0 .. R*width)` (workgroup memory) from the state, with zeros for rows past the
 * batch so the recurrence's products need no bounds checks. `read(at)` is the WGSL of the value
 * at state index `at`.
 */
export function loadStateRows(into: string, width: string, firstRow: string, read: (at: string) => string): string {
  return `  for (var i = lid; i < R * ${width}; i += WG) {
    let b = ${firstRow} + i / ${width};
    var v = 0.0;
    if (b < p.B) { v = ${read(unitAt(width))}; }
    ${into}[i] = v;
  }`;
}

/**
 * Runs `body(at)` for every unit of the workgroup's rows inside the batch, `at` being the unit's
 * state index (rows past the batch have no state to write).
 */
export function forStateRows(width: string, firstRow: string, body: (at: string) => string): string {
  return `  for (var i = lid; i < R * ${width}; i += WG) {
    let b = ${firstRow} + i / ${width};
    if (b < p.B) { ${body(unitAt(width))} }
  }`;
}
