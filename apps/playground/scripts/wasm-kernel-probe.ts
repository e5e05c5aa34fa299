// Times single tfjs wasm kernels in the page, alone, at the shapes of a d2l step (npm run probe -w
// @deeprnn/playground -- THREADS): what the engine's threads do for one product or one elementwise kernel
// when nothing else runs, beside what they do inside the forward (bench-browser.ts with
// DEEPRNN_BENCH_KERNEL_PROFILE=shapes). The page reports 2 × THREADS cores so that tfjs starts THREADS
// threads (it starts at most half of navigator.hardwareConcurrency).
import { openBenchPage } from './bench-page.js';
import { profileTfjsKernels } from './kernel-profile.js';

const threads = Number(process.argv[2] ?? 1);
if (!Number.isInteger(threads) || threads < 1)
  throw new Error(`THREADS must be a positive integer, got '${process.argv[2]}'`);
// Twice the threads in cores: tfjs starts at most half the reported cores.
const { url, page, close } = await openBenchPage(2 * threads);
try {
  // Catches tfjs's engine; a one-call bench then loads and starts the wasm engine on `threads` threads.
  await page.addInitScript({ content: profileTfjsKernels });
  // tsx names the functions below through a `__name` helper that the page does not have.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.goto(`${url}?bench=d2l&repeats=1&lanes=tfjs:wasm&training=0&modes=rnn_tanh&threads=${threads}`);
  await page.waitForFunction(() => document.title === 'bench done' || document.title.startsWith('error'));
  const rows = await page.evaluate(() => {
    interface Engine {
      state: { profiling: boolean };
      makeTensor(values: Float32Array, shape: number[], dtype: 'float32'): { dispose(): void };
      runKernel(name: string, inputs: object, attrs: object): { dispose(): void };
    }
    const engine = (globalThis as unknown as { _tfengine: Engine })._tfengine;
    engine.state.profiling = false;
    const tensor = (shape: number[]) =>
      engine.makeTensor(
        new Float32Array(shape.reduce((n, d) => n * d, 1)).map(() => Math.random() - 0.5),
        shape,
        'float32',
      );
    // Median µs per call of 7 rounds of 200 calls, after 50 warm-up calls.
    const time = (run: () => void) => {
      for (let i = 0; i < 50; i++) run();
      const rounds: number[] = [];
      for (let r = 0; r < 7; r++) {
        const start = performance.now();
        for (let i = 0; i < 200; i++) run();
        rounds.push(((performance.now() - start) / 200) * 1000);
      }
      return rounds.sort((a, b) => a - b)[3] ?? NaN;
    };
    const out: [string, number][] = [];
    // A step's products (M = batch 32) and a whole sequence's input product (M = T·B = 1120).
    for (const [m, k, n] of [
      [32, 512, 256],
      [32, 256, 256],
      [32, 284, 256],
      [32, 28, 256],
      [1120, 256, 768],
    ] as const) {
      const inputs = { a: tensor([1, m, k]), b: tensor([1, k, n]), bias: tensor([n]) };
      const attrs = { transposeA: false, transposeB: false, activation: 'linear' };
      out.push([
        `_FusedMatMul [${m},${k}]·[${k},${n}]`,
        time(() => engine.runKernel('_FusedMatMul', inputs, attrs).dispose()),
      ]);
    }
    const x = tensor([32, 256]);
    for (const name of ['Sigmoid', 'Tanh'])
      out.push([`${name} [32,256]`, time(() => engine.runKernel(name, { x }, {}).dispose())]);
    for (const name of ['Multiply', 'Add', 'Sub'])
      out.push([`${name} [32,256]·[32,256]`, time(() => engine.runKernel(name, { a: x, b: x }, {}).dispose())]);
    return out;
  });
  process.stdout.write(
    `tfjs wasm kernels alone, ${threads} thread(s), median µs per call\n| kernel | µs |\n| --- | ---: |\n`,
  );
  for (const [name, us] of rows) process.stdout.write(`| ${name} | ${us.toFixed(1)} |\n`);
} finally {
  await close();
}
