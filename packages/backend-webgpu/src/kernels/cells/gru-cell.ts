import type { ForwardCell } from './forward-cell.js';
import { type CellNames, cellLines, clipped, factor, one, preActivation, recorded } from './cell-names.js';

/** Both GRU forms: h_{t-1}, the reset gate r and the update gate z. */
function resetAndUpdate(names: CellNames): string[] {
  const s = names.suffix;
  const r = clipped(names, 0, preActivation(names, 0));
  const z = clipped(names, 1, preActivation(names, 1));
  return [
    `let hp${s} = ${names.hPrev};`,
    r.lets,
    `let rg${s} = act_f(${r.value}, dir);`,
    z.lets,
    `let z${s} = act_f(${z.value}, dir);`,
  ];
}

/** h = (1 - z) n + z h_{t-1}. */
function blend(names: CellNames, z: string): string {
  const s = names.suffix;
  return `let hn${s} = (${one(names)} - ${z}) * n${s} + ${z} * hp${s};`;
}

/**
 * GRU with the reset gate applied after the hidden product (PyTorch's; ONNX linear_before_reset=1):
 * n = g(x_n + r (W_hn h + b_hn)). Records r, z, n and n's hidden term (its backward scales by it).
 */
export const GRU_CELL: ForwardCell = {
  carries: [],
  records: ['r', 'z', 'n', 'hhn'],
  gates: 3,
  update(names: CellNames): string {
    const s = names.suffix;
    const n = clipped(names, 2, `${names.x(2)} + rg${s} * ${factor(names.hh(2))}`);
    return cellLines(
      names,
      ...resetAndUpdate(names),
      n.lets,
      `let n${s} = act_g(${n.value}, dir);`,
      blend(names, `z${s}`),
      recorded(
        names,
        [
          ['r', `rg${s}`],
          ['z', `z${s}`],
          ['n', `n${s}`],
          ['hhn', names.hh(2)],
        ],
        [0, 1, 2],
      ),
      names.emit(`hn${s}`),
    );
  },
  finish: null,
};

/**
 * GRU with the reset gate before the hidden product (ONNX's linear_before_reset=0): n = g(x_n +
 * W_hn (r h) + b_hn) needs every unit's r h, so the first phase parks r h (and keeps z), and
 * `finish` computes n and h once W_hn (r h) is the hidden term of gate 2.
 */
export const GRU_RESET_BEFORE_CELL: ForwardCell = {
  carries: ['z'],
  records: ['r', 'z', 'n'],
  gates: 2,
  update(names: CellNames): string {
    const s = names.suffix;
    return cellLines(
      names,
      ...resetAndUpdate(names),
      names.carry('z', `z${s}`),
      recorded(
        names,
        [
          ['r', `rg${s}`],
          ['z', `z${s}`],
        ],
        [0, 1],
      ),
      names.park(`rg${s} * hp${s}`),
    );
  },
  finish(names: CellNames): string {
    const s = names.suffix;
    const n = clipped(names, 2, preActivation(names, 2));
    return cellLines(
      names,
      `let hp${s} = ${names.hPrev};`,
      n.lets,
      `let n${s} = act_g(${n.value}, dir);`,
      blend(names, names.carried('z')),
      recorded(names, [['n', `n${s}`]], [2]),
      names.emit(`hn${s}`),
    );
  },
};
