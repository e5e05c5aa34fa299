// PyTorch rows of the GPU bench: writes each forward case (weights, input, float64 reference) for
// tools/bench/torch_bench.py --case, runs it on cuda and cpu, and parses its JSON lines.
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** torch_bench.py's exit status when CUDA is absent (it also prints one line saying so). */
const EXIT_NO_CUDA = 3;

/** Writes `name`.json + `name`.bin in `dir` (each atomically); returns the json path. */
export function writeCase(dir, name, fc, expected) {
  mkdirSync(dir, { recursive: true });
  const parts = [['input', 'float32', fc.x.shape, fc.x.data]];
  for (const [key, t] of Object.entries(fc.params))
    parts.push([`param.${key}`, 'float32', t.shape, Float32Array.from(t.data)]);
  if (expected) parts.push(['expected', 'float64', expected.shape, Float64Array.from(expected.data)]);
  const tensors = {};
  const chunks = [];
  let offset = 0;
  for (const [key, dtype, shape, data] of parts) {
    tensors[key] = { dtype, shape: [...shape], offset };
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const { c } = fc;
  const manifest = {
    mode: fc.mode,
    config: fc.configName,
    inputSize: c.inputSize,
    hiddenSize: c.hiddenSize,
    numLayers: c.numLayers,
    T: c.T,
    B: c.B,
    bin: `${name}.bin`,
    tensors,
  };
  atomicWrite(join(dir, `${name}.bin`), Buffer.concat(chunks));
  const json = join(dir, `${name}.json`);
  atomicWrite(json, JSON.stringify(manifest));
  return json;
}

function atomicWrite(path, data) {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

/**
 * Runs torch_bench.py with `args`; resolves { records } (one per JSON line) or { missing } (one line:
 * "no CUDA", "no torch", or the failure), never rejects.
 */
export function runTorch({ python, script, args, timeoutMs }) {
  return new Promise((resolve) => {
    execFile(python, [script, ...args], { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const records = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      const lastErr = stderr.trim().split('\n').pop() ?? '';
      if (!err) return resolve({ records });
      if (err.code === EXIT_NO_CUDA) return resolve({ records, missing: 'no CUDA', detail: lastErr });
      if (/No module named .?torch/.test(stderr)) return resolve({ records, missing: 'no torch', detail: lastErr });
      if (err.code === 'ENOENT') return resolve({ records, missing: `no ${python}`, detail: err.message });
      const why = err.killed ? `timed out after ${timeoutMs / 1000} s` : `exit ${err.code}`;
      resolve({ records, missing: `failed (${why})`, detail: lastErr });
    });
  });
}
