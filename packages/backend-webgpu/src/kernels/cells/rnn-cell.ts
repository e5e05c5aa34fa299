import type { ForwardCell } from './forward-cell.js';
import { type CellNames, cellLines, clipped, preActivation, recorded } from './cell-names.js';

/** Plain RNN (rnn_tanh, rnn_relu, any activation): h = f(x_t W_ih + h_{t-1} W_hh + b). Records nothing. */
export const RNN_CELL: ForwardCell = {
  carries: [],
  records: [],
  gates: 1,
  update(names: CellNames): string {
    const s = names.suffix;
    const q = clipped(names, 0, preActivation(names, 0));
    return cellLines(
      names,
      q.lets,
      `let hn${s} = act_f(${q.value}, dir);`,
      recorded(names, [], [0]),
      names.emit(`hn${s}`),
    );
  },
  finish: null,
};
