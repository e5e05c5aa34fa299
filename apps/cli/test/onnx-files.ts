import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { onnx as OnnxNamespace } from 'onnx-proto';
import { repoRoot, skipShared } from './run-cli.js';

// The ONNX files the repository holds, and ONNX's own operator tests turned into files that
// `deeprnn check --onnx` and `deeprnn import` can read on their own (weights as initializers).

// onnx-proto is @deeprnn/onnx's dependency (its protobuf classes); loaded from there, not added here.
const { onnx } = createRequire(join(repoRoot, 'packages/onnx/package.json'))('onnx-proto') as {
  onnx: typeof OnnxNamespace;
};

/** Recurrent node input slots that hold weights: W, R, B and P (peepholes). */
const WEIGHT_SLOTS = [1, 2, 3, 7];

/** Every .onnx file in the repository (and in ../shared/golden), relative to the repository root. */
export function repositoryOnnxFiles(): string[] {
  const inFolder = (dir: string, pick: (entry: string) => string | undefined): string[] =>
    readdirSync(join(repoRoot, dir))
      .sort()
      .map(pick)
      .filter((f): f is string => f !== undefined)
      .map((f) => join(dir, f));
  return [
    ...inFolder('fixtures/onnx-official', (d) => (d.startsWith('test_') ? `${d}/model.onnx` : undefined)),
    ...inFolder('fixtures/onnx-node', (d) => (d.startsWith('onnx_') ? `${d}/model.onnx` : undefined)),
    ...(skipShared ? [] : inFolder('../shared/golden/onnx-from-pytorch', (f) => (f.endsWith('.onnx') ? f : undefined))),
    ...inFolder('packages/onnx/test/fixtures/torch', (f) => (f.endsWith('.onnx') ? f : undefined)),
  ];
}

/**
 * Rewrites an ONNX backend-test case (model.onnx whose W, R, B and P are graph inputs, with their
 * values in test_data_set_0/input_K.pb) into a self-contained model with those weights as
 * initializers, and writes it to `out`. The node itself (its '' outputs, layout, attributes) is kept.
 */
export function foldWeightInputs(caseDir: string, out: string): void {
  const model = onnx.ModelProto.decode(readFileSync(join(caseDir, 'model.onnx')));
  const graph = model.graph;
  if (!graph) throw new Error(`${caseDir}/model.onnx has no graph`);
  const inputNames = (graph.input ?? []).map((i) => i.name ?? '');
  const weights = new Set<string>();
  for (const node of graph.node ?? []) {
    for (const slot of WEIGHT_SLOTS) {
      const name = node.input?.[slot];
      if (name && inputNames.includes(name)) weights.add(name);
    }
  }
  // input_K.pb follows the order of the graph's inputs.
  const dataDir = join(caseDir, 'test_data_set_0');
  const initializers = [...(graph.initializer ?? [])];
  for (const [k, name] of inputNames.entries()) {
    if (!weights.has(name)) continue;
    const t = onnx.TensorProto.decode(readFileSync(join(dataDir, `input_${k}.pb`)));
    t.name = name;
    initializers.push(t);
  }
  graph.initializer = initializers;
  graph.input = (graph.input ?? []).filter((i) => !weights.has(i.name ?? ''));
  writeFileSync(out, onnx.ModelProto.encode(model).finish());
}
