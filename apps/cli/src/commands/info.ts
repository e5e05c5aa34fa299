import type { Command } from 'commander';
import { type BackendChoice, loadBackend } from '../backends.js';
import { packageVersion } from '../package-version.js';
import { formatTable } from '../table.js';

const CANDIDATES: readonly { choice: BackendChoice; packages: readonly string[] }[] = [
  { choice: { name: 'reference', dtype: 'float32' }, packages: ['@deeprnn/core'] },
  { choice: { name: 'reference', dtype: 'float64' }, packages: ['@deeprnn/core'] },
  { choice: { name: 'onnxruntime' }, packages: ['@deeprnn/backend-onnxruntime', 'onnxruntime-node'] },
  { choice: { name: 'tfjs' }, packages: ['@deeprnn/backend-tfjs', '@tensorflow/tfjs-core'] },
  { choice: { name: 'webgpu' }, packages: ['@deeprnn/backend-webgpu', 'webgpu'] },
];

/** Every tfjs engine and whether it starts here; empty when the tfjs backend is not installed. */
async function tfjsEngines(): Promise<
  { engine: string; isAvailable: boolean; device: string | null; message: string | null }[]
> {
  try {
    const { probeEngines } = await import('@deeprnn/backend-tfjs');
    return await probeEngines();
  } catch {
    return [];
  }
}

/** `deeprnn info`: installed backends, the device each really runs on, and versions. */
export function registerInfoCommand(program: Command): void {
  program
    .command('info')
    .description('list installed backends, the device each runs on, and their versions')
    .option('--json', 'one JSON object per backend')
    .action(async (opts: { json?: boolean }) => {
      const rows: string[][] = [];
      const notes: string[] = [];
      for (const { choice, packages } of CANDIDATES) {
        const versions = packages.map((p) => `${p}@${packageVersion(p) ?? '?'}`).join(' ');
        try {
          const { backend, notices } = await loadBackend(choice);
          const modes = backend.capabilities.modes.join(',');
          const training = backend.capabilities.training ? 'yes' : 'no';
          if (opts.json)
            process.stdout.write(
              `${JSON.stringify({ backend: backend.name, device: backend.device, modes: backend.capabilities.modes, training: backend.capabilities.training, versions, notices })}\n`,
            );
          rows.push([backend.name, backend.device, modes, training, versions]);
          // tfjs's skipped engines show in the engines table below; other backends' notices are printed as notes.
          if (backend.name !== 'tfjs')
            notes.push(...notices.map((n) => (n.startsWith(`${backend.name}:`) ? n : `${backend.name}: ${n}`)));
          await backend.dispose();
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          if (opts.json)
            process.stdout.write(
              `${JSON.stringify({ backend: choice.name, available: false, reason: why, versions })}\n`,
            );
          rows.push([choice.name, 'unavailable', '-', '-', versions]);
          notes.push(`${choice.name}: ${why}`);
        }
      }
      const engines = await tfjsEngines();
      if (opts.json) {
        for (const e of engines) process.stdout.write(`${JSON.stringify({ backend: 'tfjs', ...e })}\n`);
        return;
      }
      process.stdout.write(`deeprnn 0.1.0 on Node ${process.version} (${process.platform}-${process.arch})\n\n`);
      process.stdout.write(`${formatTable(['backend', 'device', 'modes', 'training', 'versions'], rows)}\n`);
      if (engines.length > 0) {
        const engineRows = engines.map((e) => [e.engine, e.isAvailable ? 'yes' : 'no', e.device ?? e.message ?? '']);
        process.stdout.write(
          `\ntfjs engines (default order; --engine picks one):\n${formatTable(['engine', 'available', 'device or what is missing'], engineRows)}\n`,
        );
      }
      if (notes.length > 0) process.stdout.write(`\n${notes.map((n) => `note: ${n}`).join('\n')}\n`);
    });
}
