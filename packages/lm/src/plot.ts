import { Resvg } from '@resvg/resvg-js';
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One point of a perplexity curve. */
export interface CurvePoint {
  /** Name of the curve the point belongs to (its legend entry, e.g. the model). */
  readonly series: string;
  /** Epoch number, the x axis. */
  readonly epoch: number;
  /** Perplexity at that epoch, the y axis (log scale). */
  readonly perplexity: number;
}

/** The vega-lite spec of perplexity per epoch, one line per series (log scale, as d2l's plots read best). */
export function perplexitySpec(points: readonly CurvePoint[], title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 560,
    height: 320,
    background: 'white',
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'perplexity', type: 'quantitative', title: 'perplexity', scale: { type: 'log' } },
      color: { field: 'series', type: 'nominal', title: 'layers' },
    },
  };
}

/**
 * Renders a vega-lite spec headlessly to SVG (vega's own renderer) and PNG (resvg rasterising that SVG).
 */
export async function renderPlot(spec: TopLevelSpec): Promise<{ svg: string; png: Uint8Array }> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } }).render().asPng();
    return { svg, png: new Uint8Array(png) };
  } finally {
    view.finalize();
  }
}
