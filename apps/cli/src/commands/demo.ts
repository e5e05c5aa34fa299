import {
  RNN_MODES,
  type RnnMode,
  type Tensor,
  compareTensors,
  defineSpec,
  formatShape,
  initParams,
  parameterCount,
  tensor,
} from '@deeprnn/core';
import { BENCH_CONFIGS } from '../bench-configs.js';
import type { Command } from 'commander';
import { type BackendFlags, type BackendOptionsSpec, addBackendOptions, backendSelection } from '../backend-options.js';
import { loadBackend } from '../backends.js';
import { oneOf } from '../flag-values.js';
import { printNotices } from '../notices.js';
import { medianMs } from '../timing.js';
import { sci, sig } from '../table.js';

interface DemoOptions extends BackendFlags {
  mode: RnnMode;
}

const BACKENDS: BackendOptionsSpec = { purpose: 'backend to run on', isRepeatable: true, defaults: ['reference'] };

/** `deeprnn demo`: builds a 3-layer RNN (the d2l note's nn.RNN(28, 256, num_layers=3)), runs it, prints shapes and timings. */
export function registerDemoCommand(program: Command): void {
  addBackendOptions(program.command('demo'), BACKENDS)
    .description('build a 3-layer RNN (d2l: 28 inputs, 256 hidden, T=35, B=32), run it, print shapes and timings')
    .option('--mode <mode>', `cell: ${RNN_MODES.join(', ')}`, oneOf(RNN_MODES), 'rnn_tanh')
    .action(async (opts: DemoOptions) => {
      const { choices } = backendSelection(opts, BACKENDS);
      const { inputSize: I, hiddenSize, numLayers, T, B } = BENCH_CONFIGS.d2l!;
      const spec = defineSpec({ mode: opts.mode, inputSize: I, hiddenSize, numLayers });
      const params = initParams(spec, { seed: 0 });
      const x = tensor(
        Float32Array.from({ length: T * B * I }, (_, i) => Math.sin(i * 0.37)),
        [T, B, I],
      );
      const out = process.stdout;
      out.write(
        `\nmodel: ${spec.mode}, ${spec.numLayers} layers, inputSize ${spec.inputSize}, hiddenSize ${spec.hiddenSize}, ${parameterCount(spec)} parameters (PyTorch names: ${Object.keys(params).slice(0, 4).join(', ')}, ...)\n`,
      );
      out.write(`input ${formatShape(x.shape)} = [T, B, I]\n`);
      let first: { name: string; output: Tensor } | null = null;
      for (const choice of choices) {
        const loaded = await loadBackend(choice);
        printNotices(loaded);
        const { backend } = loaded;
        try {
          const model = await backend.createModel(spec, params);
          const t0 = performance.now();
          const { output, state } = await model.forward(x);
          const firstMs = performance.now() - t0;
          const ms = await medianMs(() => model.forward(x), { repeats: 5 });
          // Same weights, same input: every backend should give the first one's numbers to float32 rounding.
          const agreement = first
            ? `, max |diff| vs ${first.name} ${sci(compareTensors(output, first.output).maxAbsError)}`
            : '';
          out.write(
            `${backend.name} on ${backend.device}: output ${formatShape(output.shape)}, hN ${formatShape(state.h.shape)}; first call ${sig(firstMs)} ms, median ${sig(ms)} ms (${sig((T * B) / (ms / 1000))} tokens/s)${agreement}\n`,
          );
          first ??= { name: backend.name, output };
          await model.dispose();
        } finally {
          await backend.dispose();
        }
      }
    });
}
