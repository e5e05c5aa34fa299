/** One line of the chart: perplexity per epoch of one depth. */
export interface Series {
  readonly label: string;
  readonly points: readonly { readonly epoch: number; readonly perplexity: number }[];
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];
const W = 640;
const H = 320;
const M = { left: 56, right: 90, top: 16, bottom: 40 };

function niceTicks(lo: number, hi: number): number[] {
  // Log scale: ticks at 1, 1.5, 2, 3, 5, 7 × powers of ten inside the range.
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 1.5, 2, 3, 5, 7]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) ticks.push(v);
    }
  }
  return ticks;
}

/** Draws perplexity per epoch (log scale) into `svg`, one colored line per series with its last value. */
export function drawChart(svg: SVGSVGElement, series: readonly Series[], epochs: number): void {
  const all = series.flatMap((s) => s.points.map((p) => p.perplexity)).filter((v) => Number.isFinite(v) && v > 0);
  const lo = all.length > 0 ? Math.min(...all) * 0.9 : 1;
  const hi = all.length > 0 ? Math.max(...all) * 1.1 : 100;
  const x = (epoch: number): number => M.left + ((W - M.left - M.right) * (epoch - 1)) / Math.max(epochs - 1, 1);
  const y = (v: number): number =>
    M.top + ((H - M.top - M.bottom) * (Math.log(hi) - Math.log(v))) / Math.max(Math.log(hi) - Math.log(lo), 1e-9);
  const parts: string[] = [
    `<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="#888"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="#888"/>`,
    `<text x="${(W - M.right + M.left) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">epoch (of ${epochs})</text>`,
    `<text x="14" y="${H / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${H / 2})">perplexity (log)</text>`,
  ];
  for (const t of niceTicks(lo, hi)) {
    parts.push(`<line x1="${M.left - 4}" y1="${y(t)}" x2="${W - M.right}" y2="${y(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11">${t}</text>`);
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.points.filter((p) => Number.isFinite(p.perplexity) && p.perplexity > 0);
    if (pts.length === 0) return;
    const d = pts.map((p) => `${x(p.epoch).toFixed(1)},${y(p.perplexity).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${d}"/>`);
    const last = pts.at(-1)!;
    parts.push(
      `<text x="${x(last.epoch) + 6}" y="${y(last.perplexity) + 4}" font-size="12" fill="${color}">${s.label} ${last.perplexity.toFixed(2)}</text>`,
    );
  });
  svg.innerHTML = parts.join('');
}
