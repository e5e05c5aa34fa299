/**
 * How a kernel names what a forward cell reads and writes, for one batch row and one unit (or one
 * vec4 of units). The cell table (forward-cell.ts) writes the math once; the inference recurrence
 * (VT values, rows unrolled, bias folded into the input projection) and the training forward
 * (scalar f32 lanes, one row at a time, every value recorded for the backward) differ only here.
 * Kernels with peepholes define `pi`, `pf`, `po` (the unit's peephole weights) before the cell.
 */
export interface CellNames {
  /** The cell's value type: `VT` (the inference kernel's f32 or vec4) or `f32` (a training lane). */
  readonly type: 'VT' | 'f32';
  /** Appended to every local the cell declares (the unrolled row, or '' for one row at a time). */
  readonly suffix: string;
  /** Indentation of each statement. */
  readonly indent: string;
  /** Gate g's input-side pre-activation term (W_ih x plus the biases folded into it). */
  x(gate: number): string;
  /** Gate g's hidden-side term (W_hh h_{t-1} plus any hidden bias not folded into `x`). */
  hh(gate: number): string;
  /** h_{t-1} of the unit (read by GRU). */
  readonly hPrev: string;
  /** c_{t-1} of the unit (LSTM). */
  readonly cPrev: string;
  /** Statement(s) keeping the new cell state `cn` (LSTM), `cp` where the step is past the row's length. */
  keepCell(cp: string, cn: string): string;
  /** Statement(s) writing the unit's new h `hn` (to the state and the output). */
  emit(hn: string): string;
  /** Statement(s) parking `value` in workgroup memory `ex` for a phase that needs every unit. */
  park(value: string): string;
  /** Statement(s) keeping `value` as `name` for the cell's second phase (where it reads `carried(name)`). */
  carry(name: string, value: string): string;
  /** How the second phase reads what the first kept with {@link CellNames.carry}. */
  carried(name: string): string;
  /**
   * Training only: statement(s) recording `values` (by record name, `ForwardCell.records`)
   * for the backward and the clipped pre-activations `pre` ([gate, name]) for its clip masks. With
   * a record hook the cell names each gate's pre-activation `q<g>` so the hook can read it.
   */
  readonly record?: (
    values: readonly (readonly [string, string])[],
    pre: readonly (readonly [number, string])[],
  ) => string;
}

/**
 * The statements of one cell: each line of `parts` (empty parts dropped, multi-line parts split)
 * with the names' indentation.
 */
export function cellLines(names: CellNames, ...parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .flatMap((p) => p.split('\n'))
    .map((l) => names.indent + l)
    .join('\n');
}

/** The number 1 in the names' type. */
export function one(names: CellNames): string {
  return names.type === 'VT' ? 'VT(1.0)' : '1.0';
}

/** `expr` as a factor: parenthesised unless it is one name or index. */
export function factor(expr: string): string {
  return /^[\w.[\]]+$/.test(expr) ? expr : `(${expr})`;
}

/** Gate g's pre-activation before peepholes and clipping: the input side plus the hidden side. */
export function preActivation(names: CellNames, gate: number): string {
  return `${names.x(gate)} + ${names.hh(gate)}`;
}

/**
 * A gate's clipped pre-activation `pre`, as the statement that precedes its use (or '') and the
 * expression to use: inline, or with a record hook bound to `q<g><suffix>` for the clip mask.
 */
export function clipped(
  names: CellNames,
  gate: number,
  pre: string,
): { readonly lets: string; readonly value: string } {
  if (!names.record) return { lets: '', value: `clip_gate(${pre})` };
  const q = `q${gate}${names.suffix}`;
  return { lets: `let ${q} = ${pre};`, value: `clip_gate(${q})` };
}

/** The record hook's statements for `values` and the clipped gates `gates` ('' without a hook). */
export function recorded(
  names: CellNames,
  values: readonly (readonly [string, string])[],
  gates: readonly number[],
): string {
  return names.record
    ? names.record(
        values,
        gates.map((g) => [g, `q${g}${names.suffix}`] as const),
      )
    : '';
}
