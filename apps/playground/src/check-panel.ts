import { PROPERTY_NAMES, type PropertyResult, checkBackend } from '@deeprnn/conformance';
import type { Backend } from '@deeprnn/core';
import { exportOnnx, importOnnx } from '@deeprnn/onnx';
import { escapeHtml } from './backend-picker.js';
import { byId } from './dom.js';

/** One row of the table: a backend and its property results. */
interface CheckRow {
  readonly label: string;
  readonly results: readonly PropertyResult[];
}

const rows: CheckRow[] = [];

/** `N passed, N failed` over results, as the CLI's `check` prints it (skipped properties count in neither). */
export function summary(results: readonly PropertyResult[]): string {
  const passed = results.filter((r) => r.pass && r.skipped === undefined).length;
  const failed = results.filter((r) => !r.pass).length;
  return `${passed} passed, ${failed} failed`;
}

function cell(r: PropertyResult | undefined): string {
  if (!r) return '<td class="skip">…</td>';
  if (r.skipped !== undefined) return `<td class="skip" title="${escapeHtml(r.skipped)}">skip</td>`;
  const title = r.pass
    ? `${r.runs} runs, max error ${r.maxError.toExponential(2)}`
    : r.failure
      ? `${r.failure.message} (seed ${r.failure.seed}, path ${r.failure.path})`
      : 'failed';
  return `<td class="${r.pass ? 'pass' : 'fail'}" title="${escapeHtml(title)}">${r.pass ? 'pass' : 'FAIL'} <small>${r.runs}</small></td>`;
}

function render(current?: CheckRow): void {
  const header = `<tr><th>backend</th>${PROPERTY_NAMES.map((p) => `<th>${p}</th>`).join('')}</tr>`;
  const body = [...rows, ...(current ? [current] : [])].map((row) => {
    const byName = new Map(row.results.map((r) => [r.property, r]));
    return `<tr><th>${escapeHtml(row.label)}</th>${PROPERTY_NAMES.map((p) => cell(byName.get(p))).join('')}</tr>`;
  });
  byId('check-table').innerHTML = header + body.join('');
}

/**
 * Runs the conformance suite on `backend` in the page, filling its row of the backend x property table
 * property by property.
 *
 * @param runs - cases per property.
 * @param onProgress - a line per property finished.
 */
export async function runCheck(
  backend: Backend,
  label: string,
  runs: number,
  onProgress: (line: string) => void,
  seed?: number,
): Promise<PropertyResult[]> {
  const results: PropertyResult[] = [];
  render({ label, results });
  await checkBackend(backend, {
    runs,
    onnx: { exportOnnx, importOnnx },
    ...(seed !== undefined ? { seed } : {}),
    onResult: (r) => {
      results.push(r);
      render({ label, results });
      onProgress(
        `conformance on ${label}: ${results.length}/${PROPERTY_NAMES.length} properties (${r.property}: ${r.skipped !== undefined ? 'skipped' : r.pass ? 'pass' : 'FAIL'})`,
      );
    },
  });
  rows.push({ label, results });
  render();
  return results;
}
