// Prints the d2l forward timings of every backend in headless Chromium (npm run bench -w @deeprnn/playground
// [-- REPEATS [LANES [THREADS [TRAINING [MODES]]]]], e.g. `-- 3 onnxruntime:wasm,tfjs:wasm 2`; TRAINING 0 times
// the forward only, 1 (the default) also a training step; MODES e.g. `gru` times that cell only).
// DEEPRNN_BENCH_KERNEL_PROFILE=1 also prints where tfjs's kernels spent their time (see kernel-profile.ts);
// =shapes splits each kernel by its input shapes.
// Without a GPU, Chromium's WebGPU adapter is SwiftShader (the CPU): those rows are not GPU numbers.
import { openBenchPage } from './bench-page.js';
import { profileTfjsKernels, readKernelProfile } from './kernel-profile.js';

const repeats = Number(process.argv[2] ?? 5);
const lanes = process.argv[3] ? `&lanes=${process.argv[3]}` : '';
// The wasm threads of tfjs and onnxruntime-web in the page (fixed per page load): `... 3 onnxruntime:wasm 2`.
const threads = process.argv[4] ? `&threads=${process.argv[4]}` : '';
const training = process.argv[5] ? `&training=${process.argv[5]}` : '';
const modes = process.argv[6] ? `&modes=${process.argv[6]}` : '';
const kernelProfile = ['1', 'shapes'].includes(process.env.DEEPRNN_BENCH_KERNEL_PROFILE ?? '');
// A measurement aid: DEEPRNN_BENCH_REPORTED_CORES=4 makes the page report 4 cores, so that `... 2` runs
// tfjs wasm on 2 threads of a 2-core machine (see openBenchPage).
const { url, page, close } = await openBenchPage(Number(process.env.DEEPRNN_BENCH_REPORTED_CORES ?? 0));
try {
  if (kernelProfile) await page.addInitScript({ content: profileTfjsKernels });
  await page.goto(`${url}?bench=d2l&repeats=${repeats}${lanes}${threads}${training}${modes}`);
  // One line per lane as it finishes, so a slow lane (SwiftShader) shows what is done.
  let shown = '';
  const progress = setInterval(() => {
    void page
      .textContent('#status')
      .then((line) => {
        if (line && line !== shown) process.stderr.write(`${(shown = line)}\n`);
      })
      .catch(() => {});
  }, 2000);
  page.once('close', () => clearInterval(progress));
  const budget = Number(process.env.DEEPRNN_BENCH_TIMEOUT_S ?? 590) * 1000;
  const finished = await page
    .waitForFunction(() => document.title === 'bench done' || document.title.startsWith('error'), undefined, {
      timeout: budget,
    })
    .then(
      () => true,
      () => false,
    );
  if (!finished) {
    // Out of time (a slow lane, e.g. WebGPU on SwiftShader): print the rows done so far.
    const rows = await page.$$eval('#bench-table tr', (trs) =>
      trs.map((tr) => `| ${[...tr.children].map((c) => c.textContent).join(' | ')} |`),
    );
    process.stdout.write(`bench unfinished after ${budget / 1000} s; rows so far:\n${rows.join('\n')}\n`);
    process.exitCode = 1;
  } else {
    const adapter = await page.evaluate(async () => {
      const gpu = (
        navigator as {
          gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null> };
        }
      ).gpu;
      const a = await gpu?.requestAdapter();
      return a ? `${a.info?.vendor ?? ''} ${a.info?.architecture ?? ''}`.trim() : 'none';
    });
    process.stdout.write(
      `${await page.title()}; WebGPU adapter: ${adapter}; cross-origin isolated: ${String(await page.evaluate(() => crossOriginIsolated))}\n`,
    );
    process.stdout.write(`${(await page.textContent('#bench-markdown')) ?? (await page.textContent('#status'))}\n`);
    if (kernelProfile)
      process.stdout.write(`${await readKernelProfile(page, process.env.DEEPRNN_BENCH_KERNEL_PROFILE === 'shapes')}\n`);
  }
} finally {
  await close();
}
