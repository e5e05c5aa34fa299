import { type RecurrentPlan, recurrentWorkgroup } from '../kernels/kernel-plan.js';
import { declareWorkgroup } from '../kernels/workgroup-memory.js';
import { forwardCell } from '../kernels/cells/forward-cell.js';
import { cellUpdate, mainGates, projectionPhase, secondPhase } from './recurrent-cells.js';
import { hiddenProduct, inputProduct, perRow, perUnitBlock, vload, vstore } from '../kernels/wgsl-unroll.js';
import { WGSL_MATH, coupledForgetFunction, clipFunction } from '../kernels/wgsl-math.js';
import { activationFunction } from '../kernels/activation-table.js';
import { forStateRows, loadStateRows } from './state-rows-wgsl.js';
import { type KernelProgram, kernelProgram, u32s } from '../kernels/kernel-program.js';
import { enableDirective, weightElement, widenWeight } from '../kernels/weight-storage.js';

/** The recurrent kernel's uniforms: call sizes, the layer's first state row, where c starts in the state buffers. */
const UNIFORMS = u32s('T', 'B', 'stateRow', 'cOff');

/** Declarations of per-thread registers (c for LSTM, z for GRU reset-before) per unit block and row. */
function registers(plan: RecurrentPlan, unitsPerThread: number, name: string): string {
  const out: string[] = [];
  for (let u = 0; u < unitsPerThread; u++) out.push(perRow(plan.R, (r) => `  var ${name}${u}_${r} = VT(0.0);`));
  return out.join('\n');
}

/** Where row r's step input starts: its projected gates (`xo`), or its layer input for a fused step kernel (`xi`). */
function inputAt(plan: RecurrentPlan, r: number): string {
  return plan.fusedInput === undefined
    ? `let xo${r} = (t * p.B + bc${r}) * XSV + dir * GHV;`
    : `let xi${r} = (t * p.B + bc${r}) * ${plan.fusedInput}u;`;
}

/**
 * The recurrent kernel of one layer, both directions: workgroup (x, d) owns batch rows
 * [x*R, x*R + R) of direction d, keeps their h in workgroup memory (double-buffered, so one
 * barrier per step suffices) and their c in registers, and walks all T steps in one dispatch.
 * Thread `lid` owns V adjacent units (a vec4 when V is 4) per unit block, reading W_hh^T row k at
 * columns g*H + j: adjacent threads read adjacent words.
 */
export function recurrentProgram(plan: RecurrentPlan): KernelProgram {
  const { spec, H, Hout, G, D, R, threads, V } = plan;
  const unitsPerThread = Math.ceil(H / V / threads);
  const fwd = spec.activations;
  const rev = D === 2 ? spec.reverseActivations : [];
  const acts = ['act_f', 'act_g', 'act_h']
    .slice(0, fwd.length)
    .map((name, i) => activationFunction(name, fwd[i]!, rev[i]))
    .join('')
    .concat(spec.mode === 'lstm' && spec.inputForget ? coupledForgetFunction('VT', fwd[0]!, rev[0]) : '');
  const isLstm = spec.mode === 'lstm';
  const rowSetup = perRow(
    R,
    (r) => `  let b${r} = rowBase + ${r}u;
  let ok${r} = b${r} < p.B;
  let bc${r} = min(b${r}, p.B - 1u);
  let len${r} = select(0u, lens[bc${r}], ok${r});`,
  );
  const cInit = isLstm
    ? perUnitBlock(plan, unitsPerThread, (u) =>
        perRow(
          R,
          (r) => `        if (ok${r}) { c${u}_${r} = ${vload(V, 's0', `p.cOff + (srow * p.B + b${r}) * H + j`)}; }`,
        ),
      )
    : '';
  const cFinal = isLstm
    ? perUnitBlock(plan, unitsPerThread, (u) =>
        perRow(
          R,
          (r) => `        if (ok${r}) { ${vstore(V, 'sN', `p.cOff + (srow * p.B + b${r}) * H + j`, `c${u}_${r}`)} }`,
        ),
      )
    : '';
  const wAt = `return ${widenWeight(plan.weightStorage, V === 1 ? 'w[i]' : 'w[i >> 2u][i & 3u]', 'f32')};`;
  return kernelProgram({
    name: 'recurrent',
    uniforms: UNIFORMS,
    bindings: [
      ...(plan.fusedInput === undefined
        ? [{ name: 'xp', element: 'VT', access: 'read', shape: '[T*B][D*G*H] input projection' } as const]
        : [
            { name: 'x', element: 'f32', access: 'read', shape: `[T*B][${plan.fusedInput}] layer input` } as const,
            {
              name: 'wp',
              element: weightElement(plan.weightStorage, V),
              access: 'read',
              shape: '[K][D*G*H] W_ih^T of every direction, then the bias row(s), as the projection kernel reads them',
            } as const,
          ]),
      {
        name: 'w',
        element: plan.weightStorage === 'f32' ? 'VT' : weightElement(plan.weightStorage, V),
        access: 'read',
        shape: '[D][stride] recurrent weights (RecurrentLayout)',
      },
      { name: 's0', element: 'f32', access: 'read', shape: '[L*D][B][Hout] h0, then [L*D][B][H] c0' },
      { name: 'lens', element: 'u32', access: 'read', shape: '[B] valid steps' },
      { name: 'y', element: 'f32', access: 'read_write', shape: '[T*B][D*Hout] layer output' },
      { name: 'sN', element: 'f32', access: 'read_write', shape: 'final states, as s0' },
    ],
    workgroupSize: [threads],
    source: (decl) => /* wgsl */ `
${enableDirective(plan.weightStorage)}alias VT = ${V === 4 ? 'vec4<f32>' : 'f32'};
const V = ${V}u;
const H = ${H}u;
const HV = ${H / V}u;
const HO = ${Hout}u;
const GHV = ${(G * H) / V}u;
const R = ${R}u;
const WG = ${threads}u;
const XSV = ${(D * G * H) / V}u;
const OS = ${D * Hout}u;
const DS = ${plan.layout.stride}u;

${decl.struct}
${decl.bindings}

${declareWorkgroup(recurrentWorkgroup(spec, R))}
fn w_at(i: u32) -> f32 { ${wAt} }
${WGSL_MATH}
${acts}
${clipFunction(spec.clip)}

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let dir = wid.y;
  let rowBase = wid.x * R;
  let srow = p.stateRow + dir;
  let wb = dir * DS;
  let wbv = wb / V;
${rowSetup}
${loadStateRows('hs', 'HO', 'rowBase', (at) => `s0[${at}]`)}
${isLstm ? registers(plan, unitsPerThread, 'c') : ''}
${forwardCell(spec)
  .carries.map((name) => registers(plan, unitsPerThread, name))
  .join('\n')}
${cInit}
  workgroupBarrier();
  for (var s = 0u; s < p.T; s++) {
    let t = select(s, p.T - 1u - s, dir == 1u);
    let cur = (s & 1u) * (R * HO);
    let nxt = R * HO - cur;
${perRow(R, (r) => `    let a${r} = ok${r} && t < len${r};\n    ${inputAt(plan, r)}\n    let yo${r} = (t * p.B + bc${r}) * OS + dir * HO;`)}
${perUnitBlock(plan, unitsPerThread, (u) => `${plan.fusedInput === undefined ? '' : `${inputProduct(plan, mainGates(plan))}\n`}${hiddenProduct(plan, mainGates(plan), 'hs', Hout, Hout)}\n${cellUpdate(plan, u)}`)}
${secondPhase(plan, unitsPerThread)}
${spec.projSize > 0 ? projectionPhase(plan) : ''}
    workgroupBarrier();
  }
  let fin = (p.T & 1u) * (R * HO);
${forStateRows('HO', 'rowBase', (at) => `sN[${at}] = hs[fin + i];`)}
${cFinal}
}
`,
  });
}

/** The WGSL of {@link recurrentProgram}. */
export function recurrentWgsl(plan: RecurrentPlan): string {
  return recurrentProgram(plan).code;
}
