import { create } from 'webgpu';
import { readFileSync } from 'node:fs';
import { projectionWgsl } from './dist/projection-kernel.js';
const gpu = create(process.env.NOROB ? ['enable-dawn-features=disable_robustness'] : []);
const adapter = await gpu.requestAdapter();
const device = await adapter.requestDevice();
const M = 1120, K = 256, N = 1024;
const buf = (n, u) => device.createBuffer({ size: n * 4, usage: u });
const x = buf(M * K, 128 | 8), w = buf(K * N + N, 128 | 8), y = buf(M * N, 128 | 4), uni = buf(4, 64 | 8);
device.queue.writeBuffer(uni, 0, new Uint32Array([M, N, K, 0]));
const variants = {
  //tiled: { code: readFileSync('/tmp/tiled.wgsl', 'utf8'), wg: [Math.ceil(N / 64), Math.ceil(M / 64)] },
  bcast4: { code: projectionWgsl(4), wg: [Math.ceil(N / 256), Math.ceil(M / 8)] },
  bcast1: { code: projectionWgsl(1), wg: [Math.ceil(N / 64), Math.ceil(M / 8)] },
};
for (const [name, v] of Object.entries(variants)) {
  const pipe = await device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code: v.code }), entryPoint: 'main' } });
  const bg = device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: [uni, x, w, y].map((b, i) => ({ binding: i, resource: { buffer: b } })) });
  v.run = async () => { const e = device.createCommandEncoder(); const p = e.beginComputePass(); p.setPipeline(pipe); p.setBindGroup(0, bg); p.dispatchWorkgroups(...v.wg); p.end(); device.queue.submit([e.finish()]); await device.queue.onSubmittedWorkDone(); };
  await v.run();
}
for (let rep = 0; rep < 2; rep++) for (const [name, v] of Object.entries(variants)) { const t0 = performance.now(); await v.run(); console.log(name, (performance.now() - t0).toFixed(1)); }
