import type { RnnSpec } from '@deeprnn/core';
import type { ForwardCell } from './forward-cell.js';
import { type CellNames, cellLines, clipped, preActivation, recorded } from './cell-names.js';

/**
 * LSTM: gates i, f, g, o; c = f c_{t-1} + i g; h = o act_h(c). Peepholes add pi c_{t-1} to i's and
 * pf c_{t-1} to f's pre-activation and po c_t to o's; `inputForget` couples f to i
 * (`forget_coupled`, wgsl-math.ts); with a projection h = o act_h(c) is parked for W_hr
 * (projection-phase.ts). Records i, f, g, o and the new cell c.
 */
export function lstmCell(spec: RnnSpec): ForwardCell {
  const peep = (w: string, c: string): string => (spec.peepholes ? ` + ${w} * ${c}` : '');
  return {
    carries: [],
    records: ['i', 'f', 'g', 'o', 'c'],
    gates: 4,
    update(names: CellNames): string {
      const s = names.suffix;
      const cp = `cp${s}`;
      const cn = `cn${s}`;
      const i = clipped(names, 0, `${preActivation(names, 0)}${peep('pi', cp)}`);
      const f = clipped(names, 1, `${preActivation(names, 1)}${peep('pf', cp)}`);
      const g = clipped(names, 2, preActivation(names, 2));
      const o = clipped(names, 3, `${preActivation(names, 3)}${peep('po', cn)}`);
      const forget = spec.inputForget
        ? [`let f${s} = forget_coupled(zi${s}, i${s}, dir);`]
        : [f.lets, `let f${s} = act_f(${f.value}, dir);`];
      return cellLines(
        names,
        `let ${cp} = ${names.cPrev};`,
        i.lets,
        `let zi${s} = ${i.value};`,
        `let i${s} = act_f(zi${s}, dir);`,
        ...forget,
        g.lets,
        `let g${s} = act_g(${g.value}, dir);`,
        `let ${cn} = f${s} * ${cp} + i${s} * g${s};`,
        o.lets,
        `let o${s} = act_f(${o.value}, dir);`,
        `let hn${s} = o${s} * act_h(${cn}, dir);`,
        names.keepCell(cp, cn),
        recorded(
          names,
          [
            ['i', `i${s}`],
            ['f', `f${s}`],
            ['g', `g${s}`],
            ['o', `o${s}`],
            ['c', cn],
          ],
          spec.inputForget ? [0, 2, 3] : [0, 1, 2, 3],
        ),
        spec.projSize > 0 ? names.park(`hn${s}`) : names.emit(`hn${s}`),
      );
    },
    finish: null,
  };
}
