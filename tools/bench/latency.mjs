#!/usr/bin/env node
// Per-step latency of model.stream() (issue 23) on every backend, beside PyTorch in the same run.
//
//   node tools/bench/latency.mjs [--backend reference,onnxruntime,tfjs,webgpu] [--mode gru] [--batch 1,8]
//                                [--steps 400] [--warmup 100] [--no-torch] [--json]
//
// d2l sizes (inputSize 28, hidden 256, 3 layers), k = 1 step per call, zero initial state, the same
// weights (initParams seed 1) and inputs everywhere. For each backend and batch: `stream` times
// `await stream.step(x)` ([B, 28] -> [B, 256], output on the host) and `forward` times one
// `model.forward(x, state)` per step with the state carried on the host (the path before streams).
// Median and p99 over --steps timed steps after --warmup. PyTorch: tools/bench/latency_torch.py,
// one thread, `out, h = rnn(x_t, h)` in a loop (load_state_dict of the same weights); `vs torch`
// is PyTorch's median / the backend's (above 1 is faster than PyTorch). webgpu adds dispatches,
// submits and bytes read back per step (its model's lastRunStats). webgpu needs an adapter
// (source .cache/lavapipe/env.sh for the software one); without one it is left out with the reason.
// PyTorch's numbers depend on the BLAS its libblas.so.3 resolves to (the pytorch row names it): the
// issue's baseline is OpenBLAS. Without installing it system-wide: `apt-get download
// libopenblas0-pthread && dpkg-deb -x libopenblas0-pthread_*.deb /tmp/ob` and run this script with
// LD_LIBRARY_PATH=/tmp/ob/usr/lib/x86_64-linux-gnu/openblas-pthread (the python child inherits it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom, defineSpec, initParams, tensor } from '@deeprnn/core';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const backendNames = opt('backend', 'reference,onnxruntime,tfjs,webgpu').split(',');
const modes = opt('mode', 'gru').split(',');
const batches = opt('batch', '1,8').split(',').map(Number);
const steps = Number(opt('steps', '400'));
const warmup = Number(opt('warmup', '100'));
const isJson = args.includes('--json');
const withTorch = !args.includes('--no-torch');
const I = 28;
const H = 256;
const L = 3;
const here = dirname(fileURLToPath(import.meta.url));

async function loadBackend(name) {
  switch (name) {
    case 'reference':
      return (await import('@deeprnn/core')).createReferenceBackend();
    case 'onnxruntime':
      return (await import('@deeprnn/backend-onnxruntime')).createBackend({ executionProviders: ['cpu'] });
    case 'tfjs':
      return (await import('@deeprnn/backend-tfjs')).createBackend();
    case 'webgpu':
      return (await import('@deeprnn/backend-webgpu')).createBackend();
    default:
      throw new Error(`unknown backend ${name}`);
  }
}

function summary(times) {
  const t = times.slice(warmup).sort((a, b) => a - b);
  return { msMedian: t[Math.floor(t.length / 2)], msP99: t[Math.min(t.length - 1, Math.floor(0.99 * t.length))] };
}

function inputs(B) {
  const rng = new SeededRandom(7);
  return Array.from({ length: warmup + steps }, () =>
    tensor(
      Float32Array.from({ length: B * I }, () => rng.uniform(-1, 1)),
      [B, I],
    ),
  );
}

function runTorch(mode, params, xs, B) {
  const dir = mkdtempSync(join(tmpdir(), 'deeprnn-latency-'));
  try {
    const chunks = [];
    let offset = 0;
    const add = (data) => {
      const at = offset;
      chunks.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      offset += data.byteLength;
      return at;
    };
    const manifest = { mode, inputSize: I, hiddenSize: H, numLayers: L, B, warmup, steps, bin: 'case.bin', params: {} };
    for (const [name, t] of Object.entries(params))
      manifest.params[name] = { shape: t.shape, offset: add(Float32Array.from(t.data)) };
    const all = new Float32Array(xs.length * B * I);
    xs.forEach((x, i) => all.set(x.data, i * B * I));
    manifest.input = { shape: [xs.length, B, I], offset: add(all) };
    writeFileSync(join(dir, 'case.bin'), Buffer.concat(chunks));
    writeFileSync(join(dir, 'case.json'), JSON.stringify(manifest));
    const run = spawnSync('/usr/bin/python3', [join(here, 'latency_torch.py'), join(dir, 'case.json')], {
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    });
    if (run.status !== 0) return { error: (run.stderr || run.error?.message || '').trim().split('\n').pop() };
    return JSON.parse(run.stdout.trim().split('\n').pop());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timeBackend(backend, spec, params, xs, B) {
  const model = await backend.createModel(spec, params);
  try {
    // Stream and forward steps alternate, so both see the same machine load.
    const stream = await model.stream({ batchSize: B });
    const streamTimes = [];
    const forwardTimes = [];
    let last = null;
    let stats = null;
    let state;
    for (const x of xs) {
      let t0 = performance.now();
      last = await stream.step(x);
      streamTimes.push(performance.now() - t0);
      stats = model.lastRunStats ?? null;
      t0 = performance.now();
      const r = await model.forward(tensor(x.data, [1, B, I]), state);
      forwardTimes.push(performance.now() - t0);
      state = r.state;
    }
    await stream.dispose();
    return { stream: summary(streamTimes), forward: summary(forwardTimes), stats, last };
  } finally {
    await model.dispose();
  }
}

const rows = [];
for (const mode of modes) {
  const spec = defineSpec({ mode, inputSize: I, hiddenSize: H, numLayers: L });
  const params = initParams(spec, { seed: 1 });
  for (const B of batches) {
    const xs = inputs(B);
    const torch = withTorch ? runTorch(mode, params, xs, B) : null;
    if (torch)
      rows.push({
        mode,
        B,
        backend: 'pytorch',
        device: `cpu (1 thread, torch ${torch.torch ?? '?'}, ${String(torch.blas ?? '?')
          .split('/')
          .pop()})`,
        ...torch,
        lastOutput: undefined,
      });
    for (const name of backendNames) {
      let backend;
      try {
        backend = await loadBackend(name);
      } catch (e) {
        rows.push({
          mode,
          B,
          backend: name,
          error: e instanceof Error ? e.message.split('\n')[0].slice(0, 120) : String(e),
        });
        continue;
      }
      try {
        const r = await timeBackend(backend, spec, params, xs, B);
        let maxDiff = null;
        if (torch?.lastOutput) maxDiff = Math.max(...torch.lastOutput.map((v, i) => Math.abs(v - r.last.data[i])));
        rows.push({
          mode,
          B,
          backend: name,
          device: backend.device,
          msMedian: r.stream.msMedian,
          msP99: r.stream.msP99,
          forwardMsMedian: r.forward.msMedian,
          forwardMsP99: r.forward.msP99,
          vsTorch: torch?.msMedian ? torch.msMedian / r.stream.msMedian : null,
          forwardVsTorch: torch?.msMedian ? torch.msMedian / r.forward.msMedian : null,
          maxDiffVsTorch: maxDiff,
          runStats: r.stats,
        });
      } finally {
        await backend.dispose();
      }
    }
  }
}

if (isJson) {
  for (const r of rows) console.log(JSON.stringify(r));
} else {
  const f = (v, d = 3) => (typeof v === 'number' ? v.toFixed(d) : '');
  const load = (await import('node:os')).loadavg()[0].toFixed(1);
  console.log(
    `per-step latency, d2l sizes (I ${I}, H ${H}, L ${L}), k = 1, ${steps} steps after ${warmup} warm-up; ms; load average ${load}`,
  );
  console.log(
    '| mode | B | backend | device | stream median | stream p99 | vs torch | forward median | forward vs torch | dispatches/step | bytes read/step | max abs diff vs torch |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    if (r.error) {
      console.log(`| ${r.mode} | ${r.B} | ${r.backend} | n/a: ${r.error} | | | | | | | | |`);
      continue;
    }
    const s = r.runStats;
    console.log(
      `| ${r.mode} | ${r.B} | ${r.backend} | ${r.device} | ${f(r.msMedian)} | ${f(r.msP99)} | ${r.vsTorch ? `${f(r.vsTorch, 2)}x` : ''} | ${f(r.forwardMsMedian)} | ${r.forwardVsTorch ? `${f(r.forwardVsTorch, 2)}x` : ''} | ${s ? s.dispatches : ''} | ${s ? s.bytesRead : ''} | ${typeof r.maxDiffVsTorch === 'number' ? r.maxDiffVsTorch.toExponential(1) : ''} |`,
    );
  }
}
