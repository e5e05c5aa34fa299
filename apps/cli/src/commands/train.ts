import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Backend,
  ConfigError,
  type OptimizerName,
  RNN_MODES,
  type RnnMode,
  checkBytes,
  specToConfig,
  trainerBytes,
} from '@deeprnn/core';
import {
  type Corpus,
  type EpochRecord,
  type Partition,
  type StepReport,
  type TrainConfig,
  type TrainingState,
  D2L_RECIPE,
  Vocab,
  epochBatches,
  generate,
  initialTrainingState,
  lmSpec,
  loadCorpus,
  readCorpus,
  readResponseWithin,
  saveCheckpoint,
  saveModel,
  timeMachine,
  trainLoop,
  writeFileAtomic,
} from '@deeprnn/lm/node';
import { type Command, Option } from 'commander';
import { type BackendFlags, type BackendOptionsSpec, addBackendOptions, singleBackend } from '../backend-options.js';
import { loadBackend } from '../backends.js';
import { InputError, UsageError } from '../cli-errors.js';
import { inputLimit, prepareOutputFolder, requireInputFile, withinLimit } from '../file-checks.js';
import { strictInteger, strictNumber } from '../flag-values.js';
import { readCheckpoint } from '../lm-files.js';
import { printNotices } from '../notices.js';
import { refuseChangedRecipe } from '../resume-check.js';

/** Options shared by `train` and `depth` (commander gives strings). */
export interface RecipeFlags extends BackendFlags {
  mode: string;
  hidden: string;
  epochs: string;
  lr: string;
  optimizer: string;
  batch: string;
  steps: string;
  maxTokens: string;
  partition: string;
  /** `--grad-clip`; absent means d2l's 1. */
  gradClip?: string;
  /** `--clip`, the older name of `--grad-clip` (hidden from help; says so once on stderr). */
  clip?: string;
  dropout: string;
  seed: string;
  corpus?: string;
  prefix: string;
  sampleEvery: string;
}

/** How training commands take backends: one, whichever can train (capabilities.training says). */
const TRAINING_BACKENDS: BackendOptionsSpec = {
  purpose: 'backend that trains',
  isRepeatable: false,
  defaults: ['reference'],
};

/** Adds the recipe options (the d2l defaults) and the backend options to a command. */
export function addRecipeOptions(cmd: Command): Command {
  return (
    addBackendOptions(cmd, TRAINING_BACKENDS)
      .option('--mode <mode>', `cell: ${RNN_MODES.join(', ')}`, 'rnn_tanh')
      .option('--hidden <n>', 'hidden units per layer', String(D2L_RECIPE.hiddenSize))
      .option('--epochs <n>', 'epochs', String(D2L_RECIPE.epochs))
      .option('--lr <x>', 'learning rate', String(D2L_RECIPE.optimizer.lr))
      .option('--optimizer <name>', 'sgd or adam', D2L_RECIPE.optimizer.name)
      .option('--batch <n>', 'rows per minibatch', String(D2L_RECIPE.batch))
      .option('--steps <n>', 'time steps per minibatch (truncated BPTT)', String(D2L_RECIPE.steps))
      .option(
        '--max-tokens <n>',
        `use the first N characters (0: all); d2l uses ${D2L_RECIPE.maxTokens}`,
        String(D2L_RECIPE.maxTokens),
      )
      .option('--partition <p>', 'sequential (state carried) or random (fresh state)', D2L_RECIPE.partition)
      // No commander default, so that --clip (the old name) and --grad-clip can be told apart.
      .option(
        '--grad-clip <norm>',
        `global gradient-norm clipping threshold (0: off; default: ${D2L_RECIPE.gradClipNorm}); not an RNN spec's cell clip`,
      )
      .addOption(new Option('--clip <norm>', 'old name of --grad-clip').hideHelp())
      .option('--dropout <p>', 'dropout between layers', '0')
      .option('--seed <n>', 'seed of weights, batches and dropout', String(D2L_RECIPE.seed))
      .option('--corpus <file|url>', 'a text file or http(s) URL instead of The Time Machine (shipped in @deeprnn/lm)')
      .option('--prefix <text>', 'prefix of the samples', 'time traveller')
      .option('--sample-every <n>', 'print a sample every N epochs (0: never)', '10')
  );
}

/** Checks every recipe flag before any work starts (the corpus, the backend); throws a usage error. */
export function checkRecipeFlags(f: RecipeFlags, layers: readonly number[]): void {
  checkClipAlias(f);
  // The model itself too (sizes, dropout), with a stand-in vocabulary: ConfigError names the field.
  for (const n of layers) {
    const recipe = recipeFromFlags(f, n, 2);
    const spec = lmSpec(recipe.model);
    // What the trainer will hold (weights, gradients, Adam's moments), refused before anything is allocated.
    checkBytes(
      `train: ${n} layer(s) of ${recipe.model.hiddenSize} units (parameters, gradients, optimizer state)`,
      trainerBytes(spec, { classes: 0, optimizer: recipe.optimizer.name }),
      undefined,
      'the library (TrainerInit.maxBytes); the CLI keeps the default',
    );
  }
  int(f.maxTokens, 'max-tokens', 0);
  int(f.sampleEvery, 'sample-every', 0);
  singleBackend(f, TRAINING_BACKENDS);
  if (f.corpus !== undefined && !isUrl(f.corpus)) requireInputFile(f.corpus, '--corpus');
}

function isUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/** Downloads a corpus from `--corpus URL`, at most the corpus limit (the body is cancelled past it). */
async function downloadCorpus(url: string): Promise<string> {
  const limit = inputLimit('corpus');
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new InputError(
      `--corpus ${url}: cannot download: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`,
      { cause: e },
    );
  }
  if (!response.ok) throw new InputError(`--corpus ${url}: expected a text, got HTTP ${response.status}`);
  const bytes = await withinLimit('--corpus', () => readResponseWithin(response, url, limit.maxBytes, limit.raise));
  return new TextDecoder().decode(bytes);
}

function int(value: string, name: string, min = 1): number {
  const n = strictInteger(value);
  if (n === null || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

function num(value: string, name: string): number {
  const n = strictNumber(value);
  if (n === null || n < 0) throw new UsageError(`--${name} must be a non-negative number, got '${value}'`);
  return n;
}

let saidClipAlias = false;

/**
 * `--clip` is the old name of `--grad-clip`: it still works and says so once per run, on stderr.
 *
 * @throws {@link UsageError} when both are given with different values.
 */
export function checkClipAlias(
  f: Pick<RecipeFlags, 'gradClip' | 'clip'>,
  warn: (line: string) => void = (l) => void process.stderr.write(`${l}\n`),
): void {
  if (f.clip === undefined) return;
  if (f.gradClip !== undefined && f.gradClip !== f.clip)
    throw new UsageError(`--clip ${f.clip} and --grad-clip ${f.gradClip} disagree; give --grad-clip only`);
  if (saidClipAlias) return;
  saidClipAlias = true;
  warn('note: --clip is the old name of --grad-clip (global gradient-norm clipping); use --grad-clip');
}

/** The text of the gradient clipping threshold: --grad-clip, --clip, or d2l's. */
function gradClipText(f: Pick<RecipeFlags, 'gradClip' | 'clip'>): string {
  return f.gradClip ?? f.clip ?? String(D2L_RECIPE.gradClipNorm);
}

/** The training recipe the flags describe, at a given depth. */
export function recipeFromFlags(f: RecipeFlags, layers: number, vocabSize: number): TrainConfig {
  if (!(RNN_MODES as readonly string[]).includes(f.mode))
    throw new UsageError(`--mode must be one of ${RNN_MODES.join(', ')}, got '${f.mode}'`);
  if (f.optimizer !== 'sgd' && f.optimizer !== 'adam')
    throw new UsageError(`--optimizer must be sgd or adam, got '${f.optimizer}'`);
  if (f.partition !== 'sequential' && f.partition !== 'random')
    throw new UsageError(`--partition must be sequential or random, got '${f.partition}'`);
  const dropout = num(f.dropout, 'dropout');
  const clip = num(gradClipText(f), f.gradClip === undefined && f.clip !== undefined ? 'clip' : 'grad-clip');
  return {
    model: {
      mode: f.mode as RnnMode,
      vocabSize,
      hiddenSize: int(f.hidden, 'hidden'),
      numLayers: layers,
      ...(dropout > 0 ? { rnn: { dropout } } : {}),
    },
    epochs: int(f.epochs, 'epochs'),
    optimizer: { name: f.optimizer as OptimizerName, lr: num(f.lr, 'lr') },
    batch: int(f.batch, 'batch'),
    steps: int(f.steps, 'steps'),
    partition: f.partition as Partition,
    gradClipNorm: clip > 0 ? clip : null,
    seed: int(f.seed, 'seed', 0),
  };
}

/** Reads the corpus the flags name (The Time Machine by default) and prints where it came from. */
export async function corpusFromFlags(f: RecipeFlags, log: (s: string) => void): Promise<Corpus> {
  let text: string;
  const limit = inputLimit('corpus');
  if (f.corpus && isUrl(f.corpus)) {
    text = await downloadCorpus(f.corpus);
    log(`corpus: ${f.corpus}`);
  } else if (f.corpus) {
    const path = requireInputFile(f.corpus, '--corpus');
    text = await withinLimit('--corpus', () => readCorpus(path, limit));
    log(`corpus: ${f.corpus}`);
  } else {
    // DEEPRNN_DATA_DIR when it holds the book, else the copy shipped in @deeprnn/lm: no network.
    const got = await withinLimit('corpus', () => timeMachine(limit));
    text = got.text;
    log(`corpus: The Time Machine (${got.path})`);
  }
  const corpus = loadCorpus(text, int(f.maxTokens, 'max-tokens', 0));
  log(`${corpus.ids.length} characters, vocabulary of ${corpus.vocab.size}`);
  return corpus;
}

/** Loads the backend the flags name and checks that it can train. */
export async function trainingBackend(f: RecipeFlags, log: (s: string) => void): Promise<Backend> {
  const loaded = await loadBackend(singleBackend(f, TRAINING_BACKENDS));
  printNotices(loaded);
  const { backend } = loaded;
  if (!backend.capabilities.training) {
    await backend.dispose();
    throw new ConfigError(
      `backend ${backend.name} (${backend.device}) cannot train (capabilities.training is false); \`deeprnn info\` lists the backends that train`,
    );
  }
  log(`backend: ${backend.name} on ${backend.device}`);
  return backend;
}

/** The part of a cli-progress bar we use. */
export interface Bar {
  start(total: number, value: number, payload?: Record<string, string>): void;
  update(value: number, payload?: Record<string, string>): void;
  stop(): void;
}

/** A maker of cli-progress bars on stderr (silent when stderr is not a terminal); cli-progress loads lazily. */
export async function progressBars(): Promise<(label: string) => Bar> {
  const specifier = 'cli-progress';
  const mod = (await import(specifier)) as { default?: unknown; SingleBar?: unknown };
  const lib = (mod.SingleBar ? mod : mod.default) as { SingleBar: new (o: object) => Bar };
  return (label) =>
    new lib.SingleBar({
      format: `${label} epoch {epoch} |{bar}| {percentage}% | ppl {ppl} | {tps} tok/s | ETA {eta_formatted}`,
      barsize: 24,
      hideCursor: true,
      etaBuffer: 50,
      clearOnComplete: false,
    });
}

/** Payload of the progress bar for a step report. */
export function barPayload(r: StepReport, epochs: number): Record<string, string> {
  return {
    epoch: `${r.epoch + 1}/${epochs}`,
    ppl: r.perplexity.toFixed(2),
    tps: Math.round(r.tokensPerSec).toString(),
  };
}

/** The CSV of perplexity per epoch. */
export function historyCsv(history: readonly EpochRecord[]): string {
  return `epoch,perplexity,tokens_per_sec,seconds\n${history.map((h) => `${h.epoch},${h.perplexity},${h.tokensPerSec},${h.seconds}`).join('\n')}\n`;
}

interface TrainFlags extends RecipeFlags {
  layers: string;
  out: string;
  resume?: boolean;
  checkpointEvery: string;
}

async function exportOnnxIfAvailable(state: TrainingState, out: string, log: (s: string) => void): Promise<void> {
  let onnx: { exportOnnx: (spec: ReturnType<typeof lmSpec>, params: Record<string, unknown>) => Uint8Array };
  try {
    const specifier = '@deeprnn/onnx';
    onnx = (await import(specifier)) as typeof onnx;
  } catch {
    log('onnx: @deeprnn/onnx is not installed, skipping the ONNX export');
    return;
  }
  const spec = lmSpec(state.config.model);
  const rnn: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(state.params)) if (name.startsWith('rnn.')) rnn[name.slice(4)] = t;
  await writeFileAtomic(join(out, 'rnn.onnx'), onnx.exportOnnx(spec, rnn));
  log(`onnx: ${join(out, 'rnn.onnx')} (the RNN; the linear head is linear.weight/linear.bias in model.safetensors)`);
}

/** `deeprnn train`: train a character language model (d2l's recipe by default), with checkpoints. */
export function registerTrainCommand(program: Command): void {
  addRecipeOptions(
    program
      .command('train')
      .description('train a character-level language model on The Time Machine (or --corpus FILE)')
      .option('--layers <n>', 'stacked layers', '3')
      .option('--out <dir>', 'folder for checkpoint, CSV, final model and ONNX export', 'deeprnn-train')
      .option('--resume', 'continue from <out>/checkpoint.safetensors, bit-identically')
      .option('--checkpoint-every <n>', 'write a checkpoint every N epochs (and always on Ctrl-C)', '10'),
  ).action(async (f: TrainFlags, cmd: Command) => {
    const log = (s: string): void => void process.stderr.write(`${s}\n`);
    const layers = int(f.layers, 'layers');
    checkRecipeFlags(f, [layers]);
    int(f.checkpointEvery, 'checkpoint-every', 0);
    const out = f.out;
    const ckpt = join(out, 'checkpoint.safetensors');
    if (f.resume && !existsSync(ckpt)) throw new InputError(`--resume: expected a checkpoint at ${ckpt}, found none`);
    // The checkpoint is read and checked against the flags before anything is loaded or written.
    const saved = f.resume ? await readCheckpoint(ckpt) : null;
    if (saved) refuseChangedRecipe(cmd, recipeFromFlags(f, layers, saved.config.model.vocabSize), saved.config, ckpt);
    prepareOutputFolder(out, '--out');
    const corpus = await corpusFromFlags(f, log);
    let state: TrainingState;
    if (saved) {
      state = saved;
      if (state.vocab.join('\u0000') !== corpus.vocab.tokens.join('\u0000')) {
        throw new ConfigError(
          `--resume: the checkpoint's vocabulary differs from this corpus's; use the same --corpus and --max-tokens`,
        );
      }
      // --epochs on the command line extends (or shortens) the run; otherwise keep the checkpoint's.
      const epochs = cmd.getOptionValueSource('epochs') === 'cli' ? int(f.epochs, 'epochs') : state.config.epochs;
      state = { ...state, config: { ...state.config, epochs } };
      log(
        `resuming at epoch ${state.progress.epoch + 1}, minibatch ${state.progress.batchIndex + 1} (${state.history.length} epochs done)`,
      );
    } else {
      state = initialTrainingState(recipeFromFlags(f, layers, corpus.vocab.size), corpus.vocab.tokens);
    }
    const config = state.config;
    const backend = await trainingBackend(f, log);
    const spec = lmSpec(config.model);
    const perEpoch = epochBatches(config.partition, corpus.ids, config.batch, config.steps, config.seed, 0).length;
    if (perEpoch === 0)
      throw new ConfigError(`the corpus is too short for --batch ${config.batch} x --steps ${config.steps}`);
    const ctl = new AbortController();
    const onSigint = (): void => ctl.abort();
    process.once('SIGINT', onSigint);
    const bar = (await progressBars())(`${config.model.numLayers}x${config.model.hiddenSize} ${config.model.mode}`);
    const done = state.progress.epoch * perEpoch + state.progress.batchIndex;
    bar.start(config.epochs * perEpoch, done, {
      epoch: `${state.progress.epoch + 1}/${config.epochs}`,
      ppl: '-',
      tps: '-',
    });
    const sampleEvery = int(f.sampleEvery, 'sample-every', 0);
    const checkpointEvery = int(f.checkpointEvery, 'checkpoint-every', 0);
    try {
      const outcome = await trainLoop(backend, corpus.ids, state, {
        signal: ctl.signal,
        onStep: (r) => bar.update(r.epoch * perEpoch + r.batchIndex + 1, barPayload(r, config.epochs)),
        onEpoch: async (rec, st) => {
          await writeFileAtomic(join(out, 'perplexity.csv'), historyCsv(st.history));
          if (checkpointEvery > 0 && rec.epoch % checkpointEvery === 0) await saveCheckpoint(ckpt, st);
          if (sampleEvery > 0 && rec.epoch % sampleEvery === 0) {
            const text = await generate(backend, { spec, vocab: new Vocab(st.vocab), params: st.params }, f.prefix, {
              chars: 50,
            });
            process.stdout.write(
              `\nepoch ${rec.epoch}: perplexity ${rec.perplexity.toFixed(2)}, ${Math.round(rec.tokensPerSec)} tokens/s: ${text}\n`,
            );
          }
        },
      });
      bar.stop();
      if (outcome.aborted) {
        await saveCheckpoint(ckpt, outcome.state);
        log(`interrupted: checkpoint written to ${ckpt}; continue with --resume --out ${out}`);
        process.exitCode = 130;
        return;
      }
      const final = outcome.state;
      await saveCheckpoint(ckpt, final);
      const vocab = new Vocab(final.vocab);
      await saveModel(out, { spec, vocab, params: final.params });
      await exportOnnxIfAvailable(final, out, log);
      const last = final.history.at(-1);
      const sample = await generate(backend, { spec, vocab, params: final.params }, f.prefix, { chars: 50 });
      process.stdout.write(
        `perplexity ${last?.perplexity.toFixed(3) ?? '-'}, ${Math.round(last?.tokensPerSec ?? 0)} tokens/s on ${backend.device}\n${sample}\n`,
      );
      process.stdout.write(`model: ${out} (${JSON.stringify(specToConfig(spec))})\n`);
    } finally {
      process.removeListener('SIGINT', onSigint);
      await backend.dispose();
    }
  });
}
