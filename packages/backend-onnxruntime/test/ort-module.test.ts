// onnxruntime-node and onnxruntime-web are optional peers: a missing runtime must surface as a typed
// BackendInitError saying what to install, not as a failed import of this package. The real absence is
// checked in apps/install-test (a fresh app without either runtime); here the import is acted out.
import { BackendInitError } from '@deeprnn/core';
import { describe, expect, it } from 'vitest';
import { type Ort, loadOrt } from '../src/ort-module.js';

/** The error Node's ESM loader gives for a package that is not installed. */
function notFound(pkg: string): Error {
  return Object.assign(
    new Error(
      `Cannot find package '${pkg}' imported from /app/node_modules/@deeprnn/backend-onnxruntime/dist/ort-module.js`,
    ),
    {
      code: 'ERR_MODULE_NOT_FOUND',
    },
  );
}

describe('loading ONNX Runtime', () => {
  it('says what to install when onnxruntime-node is missing, keeping the import error as cause', async () => {
    const cause = notFound('onnxruntime-node');
    const error: unknown = await loadOrt(() => Promise.reject(cause)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendInitError);
    expect((error as BackendInitError).code).toBe('E_BACKEND_INIT');
    expect((error as BackendInitError).message).toMatch(
      /no ONNX Runtime is installed.*`npm i onnxruntime-node`.*ONNXRUNTIME_NODE_INSTALL=skip.*`npm i onnxruntime-web`/,
    );
    expect((error as BackendInitError).cause).toBe(cause);
  });

  it('says the same for onnxruntime-web (a browser build that resolved #ort to it)', async () => {
    const error: unknown = await loadOrt(() => Promise.reject(notFound('onnxruntime-web/webgpu'))).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/no ONNX Runtime is installed/);
  });

  it('calls a runtime that is present but broken a failed load, not a missing package', async () => {
    // A dependency of the runtime missing, or its native library not loading, is a broken install.
    for (const cause of [
      notFound('onnxruntime-common'),
      new Error('libonnxruntime.so.1: cannot open shared object file'),
    ]) {
      const error: unknown = await loadOrt(() => Promise.reject(cause)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendInitError);
      expect((error as Error).message).toBe('onnxruntime: ONNX Runtime is installed but failed to load (see cause)');
      expect((error as Error).cause).toBe(cause);
    }
  });

  it('loads the installed runtime once per process', async () => {
    const first = await loadOrt();
    expect(await loadOrt()).toBe(first);
    expect(typeof first.InferenceSession.create).toBe('function');
    expect(new first.Tensor('float32', new Float32Array([1, 2]), [2]).dims).toEqual([2]);
  });

  it('imports once, and again after a failed import', async () => {
    const runtime = await loadOrt();
    let calls = 0;
    const flaky = async (): Promise<Ort> => {
      calls += 1;
      if (calls === 1) throw notFound('onnxruntime-node');
      return runtime;
    };
    await expect(loadOrt(flaky)).rejects.toBeInstanceOf(BackendInitError);
    await expect(loadOrt(flaky)).resolves.toBe(runtime);
    await expect(loadOrt(flaky)).resolves.toBe(runtime);
    expect(calls).toBe(2);
  });
});
