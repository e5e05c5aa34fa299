// The table `npm run explore` ends with: one row per lane, then every failure's replay line in full.

/**
 * @param {{ lane: string, seed: number | null, runs: number, result: import('./run-lane.mjs').LaneResult | any }[]} rows
 */
export function printSummary(rows) {
  const table = rows.map((r) => {
    const res = r.result;
    const counts =
      res.status === 'skipped' || res.status === 'not run'
        ? `${res.status} (reason below)`
        : `${res.status} ${res.passed}/${res.failed}/${res.skipped}`;
    const replays = res.failures.filter((f) => f.replay).length;
    return [
      r.lane,
      r.seed === null ? '-' : String(r.seed),
      `x${r.runs}`,
      counts,
      `${res.seconds.toFixed(0)} s`,
      replays > 0 ? `${replays} (below)` : res.failures.length > 0 ? 'none (see log)' : '-',
    ];
  });
  const head = ['lane', 'seed', 'runs', 'result (passed/failed/skipped tests)', 'time', 'replay'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join(' | ');
  console.log('\nexplore summary');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of table) console.log(line(row));
  const skipped = rows.filter((r) => r.result.status === 'skipped' || r.result.status === 'not run');
  if (skipped.length > 0)
    console.log(
      `\nskipped:\n${skipped.map((r) => `- ${r.lane}: ${r.result.skipReasons[0] ?? 'every test skipped'}`).join('\n')}`,
    );
  const failures = rows.flatMap((r) => r.result.failures.map((f) => ({ lane: r.lane, ...f })));
  if (failures.length === 0) {
    console.log('\nno failures');
    return;
  }
  console.log('\nfailures:');
  for (const f of failures) console.log(`- ${f.lane}: ${f.test}: ${f.message}${f.replay ? `\n  ${f.replay}` : ''}`);
}
