import { spawn, spawnSync } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli-errors.js';
import { MAX_INPUT_BYTES_ENV } from '../src/file-checks.js';
import { cliMain, repoRoot } from './run-cli.js';

// Issue 22, "reads without bound": every file a command reads goes through one reader with a size
// limit, decided from stat before reading; a device (/dev/zero) or a FIFO nobody writes is refused at
// once. Each command is run on /dev/zero, on a FIFO, and on a file at, just below and just above the
// limit (DEEPRNN_MAX_INPUT_BYTES sets the limit of every read, as the CLI README documents).

const TEXT = Array.from({ length: 40 }, (_, i) => `the time traveller ${i % 2 ? 'smiled' : 'spoke'} to us`).join('\n');
const BASE = [
  '--hidden',
  '8',
  '--batch',
  '2',
  '--steps',
  '4',
  '--max-tokens',
  '0',
  '--sample-every',
  '0',
  '--layers',
  '1',
];
const RECIPE = [...BASE, '--epochs', '1'];
const GOLDEN = join(repoRoot, 'fixtures/pytorch/proj_gru_l1.json');
const hasDevZero = existsSync('/dev/zero');
const canMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

/** Runs the built CLI with a short timeout: a read that blocks on a FIFO would hang here, not pass. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stderr: string; ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [cliMain, ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stderr: r.stderr, ms: Date.now() - started };
}

function expectRefused(r: { code: number; stderr: string }, says: RegExp): void {
  expect(r.code, r.stderr).toBe(EXIT_CODES.input);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^deeprnn: /);
  expect(lines[0]).toMatch(says);
}

interface Fixtures {
  dir: string;
  corpus: string;
  run: string;
  onnx: string;
  config: string;
  weights: string;
  fifo: string;
}
let fx: Fixtures;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'deeprnn-bounded-'));
  const corpus = join(dir, 'tiny.txt');
  writeFileSync(corpus, TEXT);
  const run = join(dir, 'run');
  const trained = cli(['train', '--corpus', corpus, ...RECIPE, '--out', run]);
  if (trained.code !== 0) throw new Error(`fixture training failed: ${trained.stderr}`);
  const onnx = join(run, 'rnn.onnx');
  const config = join(dir, 'rnn.config.json');
  const weights = join(dir, 'rnn.safetensors');
  const imported = cli(['import', onnx, '--out', weights, '--config-out', config]);
  if (imported.code !== 0) throw new Error(`fixture import failed: ${imported.stderr}`);
  const fifo = join(dir, 'fifo');
  if (canMkfifo) spawnSync('mkfifo', [fifo]);
  fx = { dir, corpus, run, onnx, config, weights, fifo };
}, 120_000);

const out = (name: string): string => join(fx.dir, `${name}-${Math.random().toString(36).slice(2)}`);

/** Each command with the file it reads in `file`'s place; `ok` checks a run within the limit. */
interface Reader {
  readonly name: string;
  readonly flag: string;
  readonly file: () => string;
  readonly args: (file: string) => string[];
}

const READERS: readonly Reader[] = [
  {
    name: 'generate --model (a checkpoint file)',
    flag: '--model',
    file: () => join(fx.run, 'checkpoint.safetensors'),
    args: (f) => ['generate', '--model', f, '--chars', '3'],
  },
  {
    name: 'train --corpus',
    flag: '--corpus',
    file: () => fx.corpus,
    args: (f) => ['train', '--corpus', f, ...RECIPE, '--out', out('train')],
  },
  {
    name: 'depth --corpus',
    flag: '--corpus',
    file: () => fx.corpus,
    args: (f) => ['depth', '--corpus', f, ...RECIPE, '--out', out('depth')],
  },
  {
    name: 'import',
    flag: 'import',
    file: () => fx.onnx,
    args: (f) => ['import', f, '--out', `${out('w')}.safetensors`, '--config-out', `${out('c')}.json`],
  },
  { name: 'check --onnx', flag: '--onnx', file: () => fx.onnx, args: (f) => ['check', '--onnx', f] },
  {
    name: 'export --golden',
    flag: '--golden',
    file: () => GOLDEN,
    args: (f) => ['export', '--golden', f, '--out', `${out('x')}.onnx`],
  },
  {
    name: 'export --config',
    flag: '--config',
    file: () => fx.config,
    args: (f) => ['export', '--config', f, '--weights', fx.weights, '--out', `${out('x')}.onnx`],
  },
  {
    name: 'export --weights',
    flag: '--weights',
    file: () => fx.weights,
    args: (f) => ['export', '--config', fx.config, '--weights', f, '--out', `${out('x')}.onnx`],
  },
];

describe('every reader refuses /dev/zero and a FIFO at once, naming the flag and the file', () => {
  it.skipIf(!hasDevZero).each(READERS.map((r) => [r.name, r] as const))('%s /dev/zero', (_n, reader) => {
    const r = cli(reader.args('/dev/zero'));
    expectRefused(
      r,
      new RegExp(
        `^deeprnn: ${reader.flag}: /dev/zero is a character device, expected a regular file \\(only a regular file's size can be checked against the .* limit before reading\\)`,
      ),
    );
  });

  it.skipIf(!canMkfifo).each(READERS.map((r) => [r.name, r] as const))('%s FIFO', (_n, reader) => {
    const r = cli(reader.args(fx.fifo));
    expectRefused(
      r,
      new RegExp(`^deeprnn: ${reader.flag}: .*fifo is a FIFO \\(named pipe\\), expected a regular file`),
    );
    expect(r.ms).toBeLessThan(30_000);
  });

  it.skipIf(!hasDevZero || !canMkfifo)('generate --model: a model folder whose files are a device or a FIFO', () => {
    for (const [name, target] of [
      ['model.safetensors', '/dev/zero'],
      ['config.json', fx.fifo],
      ['vocab.json', '/dev/zero'],
    ] as const) {
      const folder = out('model');
      mkdirSync(folder);
      for (const f of ['model.safetensors', 'config.json', 'vocab.json']) {
        if (f === name) symlinkSync(target, join(folder, f));
        else copyFileSync(join(fx.run, f), join(folder, f));
      }
      expectRefused(
        cli(['generate', '--model', folder]),
        new RegExp(`^deeprnn: --model: .*${name.replace('.', '\\.')} is a (character device|FIFO)`),
      );
    }
  });

  it.skipIf(!canMkfifo)('train --resume: a checkpoint that is a FIFO', () => {
    const folder = out('resume');
    mkdirSync(folder);
    symlinkSync(fx.fifo, join(folder, 'checkpoint.safetensors'));
    expectRefused(
      cli(['train', '--corpus', fx.corpus, ...RECIPE, '--out', folder, '--resume']),
      /^deeprnn: --resume: .*checkpoint\.safetensors is a FIFO/,
    );
  });

  it.skipIf(!hasDevZero)('DEEPRNN_DATA_DIR holding a timemachine.txt that is /dev/zero', () => {
    const data = out('data');
    mkdirSync(data);
    symlinkSync('/dev/zero', join(data, 'timemachine.txt'));
    expectRefused(
      cli(['train', ...RECIPE, '--out', out('t')], { DEEPRNN_DATA_DIR: data }),
      /^deeprnn: corpus: .*timemachine\.txt is a character device/,
    );
  });
});

describe(`every reader reads a file at and below its limit and refuses one just above (${MAX_INPUT_BYTES_ENV})`, () => {
  it.each(READERS.map((r) => [r.name, r] as const))(
    '%s',
    (_n, reader) => {
      const file = reader.file();
      const size = statSync(file).size;
      // Just above: the limit is one byte smaller than the file.
      const above = cli(reader.args(file), { [MAX_INPUT_BYTES_ENV]: String(size - 1) });
      expectRefused(
        above,
        new RegExp(
          `^deeprnn: ${reader.flag}: .* is ${size} bytes, over the (model file|corpus|golden case|JSON file) limit of ${size - 1} bytes; set ${MAX_INPUT_BYTES_ENV} higher`,
        ),
      );
      // At and below: the file is read. (export --config reads the larger weights next, under the same limit.)
      for (const limit of [size, size + 1]) {
        const r = cli(reader.args(file), { [MAX_INPUT_BYTES_ENV]: String(limit) });
        if (reader.flag === '--config') {
          expectRefused(r, /^deeprnn: --weights: .*rnn\.safetensors is \d+ bytes, over the/);
        } else {
          expect(r.code, r.stderr).toBe(0);
        }
      }
    },
    120_000,
  );

  it('generate --model (a folder): the limit applies to model.safetensors', () => {
    const size = statSync(join(fx.run, 'model.safetensors')).size;
    expectRefused(
      cli(['generate', '--model', fx.run], { [MAX_INPUT_BYTES_ENV]: String(size - 1) }),
      new RegExp(`^deeprnn: --model: .*model\\.safetensors is ${size} bytes, over the model file limit`),
    );
    expect(cli(['generate', '--model', fx.run], { [MAX_INPUT_BYTES_ENV]: String(size) }).code).toBe(0);
  });

  it('train --resume: the limit applies to the checkpoint', () => {
    const size = statSync(join(fx.run, 'checkpoint.safetensors')).size;
    const folder = out('resume');
    mkdirSync(folder);
    copyFileSync(join(fx.run, 'checkpoint.safetensors'), join(folder, 'checkpoint.safetensors'));
    const args = ['train', '--corpus', fx.corpus, ...BASE, '--epochs', '2', '--out', folder, '--resume'];
    expectRefused(
      cli(args, { [MAX_INPUT_BYTES_ENV]: String(size - 1) }),
      /^deeprnn: --resume: .*checkpoint\.safetensors is \d+ bytes, over the/,
    );
    const r = cli(args, { [MAX_INPUT_BYTES_ENV]: String(size) });
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it.each(['abc', '0', '-5', '1.5', '1e3'])(`${MAX_INPUT_BYTES_ENV}=%s is a usage error`, (value) => {
    const r = cli(['generate', '--model', fx.run], { [MAX_INPUT_BYTES_ENV]: value });
    expect(r.code, r.stderr).toBe(EXIT_CODES.usage);
    expect(r.stderr).toMatch(
      new RegExp(
        `^deeprnn: ${MAX_INPUT_BYTES_ENV} must be an integer number of bytes >= 1, got '${value.replace('.', '\\.')}'`,
      ),
    );
  });
});

/** Runs the CLI without blocking this process, so that a server in it can answer. */
function cliAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cliMain, ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, stderr });
    });
  });
}

describe('train --corpus URL: downloaded within the corpus limit', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/text') return void res.end(TEXT);
      if (req.url === '/missing') {
        res.statusCode = 404;
        return void res.end();
      }
      // /endless: a body without Content-Length that never ends, like /dev/zero over HTTP.
      const chunk = Buffer.alloc(65536, 97);
      const write = (): void => {
        while (res.write(chunk));
      };
      res.on('drain', write);
      res.on('close', () => res.removeListener('drain', write));
      write();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return () => new Promise<void>((ok) => server.close(() => ok()));
  });

  it('trains on a text at a URL', async () => {
    const r = await cliAsync(['train', '--corpus', `${base}/text`, ...RECIPE, '--out', out('url')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`corpus: ${base}/text`);
  }, 120_000);

  it('stops an endless body at the limit, and says which limit', async () => {
    const r = await cliAsync(['train', '--corpus', `${base}/endless`, ...RECIPE, '--out', out('url')], {
      [MAX_INPUT_BYTES_ENV]: '1000000',
    });
    expectRefused(
      r,
      new RegExp(
        `^deeprnn: --corpus: ${base}/endless is more than 1000000 bytes, over the corpus limit of 1000000 bytes; set ${MAX_INPUT_BYTES_ENV} higher`,
      ),
    );
  }, 120_000);

  it('an HTTP error or no server is one line, exit 3', async () => {
    expectRefused(
      await cliAsync(['train', '--corpus', `${base}/missing`, ...RECIPE, '--out', out('url')]),
      /^deeprnn: --corpus .*\/missing: expected a text, got HTTP 404/,
    );
    // A port nothing listens on (9 is one fetch itself refuses: "bad port"; either way one line).
    expectRefused(
      await cliAsync(['train', '--corpus', 'http://127.0.0.1:9/x', ...RECIPE, '--out', out('url')]),
      /^deeprnn: --corpus http:\/\/127\.0\.0\.1:9\/x: cannot download: \S/,
    );
  }, 120_000);
});
