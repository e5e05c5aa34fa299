import { tensor } from '@deeprnn/core';
import { D2L_RECIPE, type LanguageModel } from '@deeprnn/lm';
import type { StartedBackend } from './backend-picker.js';
import { byId, guarded, status } from './dom.js';
import { sample } from './experiment.js';
import { nextTask } from './yielding-backend.js';
import { type LoadedModel, describeSpec, downloadOnnx, downloadSafetensors, loadFiles } from './model-files.js';

/** The models section: holds the current model (trained here or loaded) and acts on it. */
export interface ModelPanel {
  setModel(model: LanguageModel, label: string): void;
}

/** Wires loading (picker, drag and drop), generation and downloads. */
export function createModelPanel(backend: () => Promise<StartedBackend>): ModelPanel {
  let loaded: LoadedModel | null = null;
  const generateButton = byId<HTMLButtonElement>('generate');
  const downloadSt = byId<HTMLButtonElement>('download-st');
  const downloadOx = byId<HTMLButtonElement>('download-onnx');
  const info = byId('model-info');

  function show(next: LoadedModel, label: string): void {
    loaded = next;
    const isLm = next.kind === 'lm';
    const spec = isLm ? next.model.spec : next.spec;
    info.textContent = `${label}: ${describeSpec(spec)}${isLm ? `, vocabulary ${next.model.vocab.size}` : ' (an RNN without the language-model head and vocabulary: it runs, it cannot write text)'}`;
    generateButton.disabled = false;
    generateButton.textContent = isLm ? 'generate' : 'run forward';
    downloadSt.disabled = !isLm;
    downloadOx.disabled = !isLm;
  }

  async function act(): Promise<void> {
    if (!loaded) throw new Error('no model: train one or load one first');
    const started = await backend();
    const out = byId('generated');
    if (loaded.kind === 'lm') {
      const chars = Number(byId<HTMLInputElement>('chars').value);
      if (!Number.isInteger(chars) || chars < 1 || chars > 2000)
        throw new Error(`characters must be an integer in [1, 2000], got '${byId<HTMLInputElement>('chars').value}'`);
      status(`generating ${chars} characters on ${started.label}…`);
      const prefix = byId<HTMLInputElement>('prefix').value;
      const stats = byId('generate-stats');
      // The text grows as each character is chosen (the model's state stays on the backend between
      // them, lm's generate on model.stream); the page repaints at most every 30 ms.
      out.textContent = prefix;
      stats.textContent = '';
      let made = 0;
      let painted = performance.now();
      const t0 = painted;
      const text = await sample(started.backend, loaded.model, prefix, chars, async (c) => {
        out.textContent += c;
        made += 1;
        if (performance.now() - painted > 30) {
          stats.textContent = `${made}/${chars} characters, ${((performance.now() - t0) / made).toFixed(2)} ms/character`;
          await nextTask();
          painted = performance.now();
        }
      });
      const ms = performance.now() - t0;
      out.textContent = text;
      stats.textContent = `${chars} characters in ${ms.toFixed(0)} ms (${(ms / chars).toFixed(2)} ms/character, page repaints included)`;
      status(`generated on ${started.label}`);
      return;
    }
    const { spec, params } = loaded;
    await using model = await started.backend.createModel(spec, params);
    const T = D2L_RECIPE.steps;
    const input = tensor(
      new Float32Array(T * spec.inputSize).map((_, i) => Math.sin(i)),
      spec.batchFirst ? [1, T, spec.inputSize] : [T, 1, spec.inputSize],
    );
    const t0 = performance.now();
    const { output } = await model.forward(input);
    out.textContent = `forward of ${T} steps on ${started.label}: output [${output.shape.join(', ')}] in ${(performance.now() - t0).toFixed(1)} ms`;
    status(`ran ${loaded.source} on ${started.label}`);
  }

  async function load(files: readonly File[]): Promise<void> {
    const next = await loadFiles(files);
    show(next, `loaded ${next.source}`);
    status(`loaded ${next.source}`);
  }

  const picker = byId<HTMLInputElement>('files');
  picker.onchange = () => void guarded(() => load([...(picker.files ?? [])]));
  const drop = byId('drop');
  drop.ondragover = (e) => {
    e.preventDefault();
    drop.classList.add('over');
  };
  drop.ondragleave = () => drop.classList.remove('over');
  drop.ondrop = (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    void guarded(() => load([...(e.dataTransfer?.files ?? [])]));
  };
  generateButton.onclick = () => void guarded(act);
  downloadSt.onclick = () =>
    void guarded(async () => {
      if (loaded?.kind === 'lm') downloadSafetensors(loaded.model, 'model');
    });
  downloadOx.onclick = () =>
    void guarded(async () => {
      if (loaded?.kind === 'lm') downloadOnnx(loaded.model, 'model');
    });

  return { setModel: (model, label) => show({ kind: 'lm', model, source: label }, label) };
}
