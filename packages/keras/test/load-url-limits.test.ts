import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FormatError, SizeLimitError, defineSpec, initParams } from '@deeprnn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTfjsLayers, loadTfjsLayers } from '../src/index.js';

// loadTfjsLayers over HTTP: bodies are read within limits, shard paths stay beside model.json.
const spec = defineSpec({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 2, batchFirst: true });
const e = exportTfjsLayers({ spec, params: initParams(spec, { seed: 1 }) });
const files = new Map<string, Uint8Array | string>();
let server: Server;
let base: string;
const requested: string[] = [];

beforeAll(async () => {
  const json = (paths: string[]): string =>
    JSON.stringify({ ...e.modelJson, weightsManifest: [{ ...e.modelJson.weightsManifest[0], paths }] });
  files.set('/ok/model.json', json(['weights.bin']));
  files.set('/ok/weights.bin', e.weights);
  files.set('/long/model.json', json(['weights.bin']));
  const long = new Uint8Array(e.weights.length + 1024);
  long.set(e.weights);
  files.set('/long/weights.bin', long);
  files.set('/secret', 'not part of the model');
  server = createServer((req, res) => {
    requested.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  files.set('/evil/model.json', json([`${base}/secret`]));
  files.set('/up/model.json', json(['../secret']));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('loadTfjsLayers from a URL', () => {
  it('loads a model; model.json over maxJsonBytes is refused', async () => {
    await expect(loadTfjsLayers(`${base}/ok/model.json`)).resolves.toMatchObject({ spec: { mode: 'rnn_tanh' } });
    await expect(loadTfjsLayers(`${base}/ok/model.json`, { maxJsonBytes: 100 })).rejects.toThrow(SizeLimitError);
  });

  it('a shard longer than the manifest declares is cut off at the declared size', async () => {
    await expect(loadTfjsLayers(`${base}/long/model.json`)).rejects.toThrow(SizeLimitError);
  });

  it('a shard path that is an absolute URL or leaves the model folder is refused without fetching it', async () => {
    await expect(loadTfjsLayers(`${base}/evil/model.json`)).rejects.toThrow(FormatError);
    await expect(loadTfjsLayers(`${base}/up/model.json`)).rejects.toThrow(FormatError);
    expect(requested).not.toContain('/secret');
    await expect(loadTfjsLayers(`${base}/missing/model.json`)).rejects.toThrow(/HTTP 404/);
  });
});
