import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND_CATALOG } from '@deeprnn/catalog';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.js';

// The READMEs name flags and values in tables and examples; this test reads the commander
// definitions (the source of truth) and refuses a README that names a command, flag or backend
// value that does not exist, so the docs cannot drift from the code.

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI_README = readFileSync(join(ROOT, 'apps', 'cli', 'README.md'), 'utf8');
const ROOT_README = readFileSync(join(ROOT, 'README.md'), 'utf8');

const program = buildProgram();
const longFlags = (cmd: Command): string[] =>
  cmd.options.map((o) => o.long).filter((l): l is string => l !== undefined);
const GLOBAL_FLAGS = new Set([...longFlags(program), '--help', '--version']);
const commands = new Map(program.commands.map((c) => [c.name(), c]));
const ALL_FLAGS = new Set([...GLOBAL_FLAGS, ...program.commands.flatMap(longFlags)]);

/** Flags a command takes: its own, the program's, --help. */
function flagsOf(name: string): Set<string> {
  const cmd = commands.get(name);
  return new Set([...GLOBAL_FLAGS, ...(cmd ? longFlags(cmd) : [])]);
}

/** The cells of a Markdown table row (`| a | b |`), with `\|` kept inside a cell. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** Every row of every table whose header is `header` (the cells, the header and `---` row skipped). */
function tableRows(text: string, header: string): string[][] {
  const lines = text.split('\n');
  const rows: string[][] = [];
  lines.forEach((line, i) => {
    // Compared cell by cell, so a formatter's column padding does not hide a table.
    if (!line.trim().startsWith('|') || cells(line).join('|') !== cells(header).join('|')) return;
    for (let j = i + 2; j < lines.length && lines[j]!.trim().startsWith('|'); j++) rows.push(cells(lines[j]!));
  });
  return rows;
}

const flagsIn = (text: string): string[] => [...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]);

describe('README flag tables match the commander definitions', () => {
  it("the root README's command table names real commands and each command's real flags", () => {
    const rows = tableRows(ROOT_README, '| command | what it does |');
    expect(rows.length).toBeGreaterThan(5);
    for (const [usage] of rows) {
      const name = /`deeprnn ([a-z]+)/.exec(usage!)?.[1];
      expect(name, usage).toBeDefined();
      expect([...commands.keys()], `deeprnn ${name}`).toContain(name);
      const known = flagsOf(name!);
      for (const flag of flagsIn(usage!))
        expect(known.has(flag), `${usage}: ${flag} is not an option of deeprnn ${name}`).toBe(true);
    }
  });

  it('the CLI README names only flags some command takes', () => {
    for (const flag of new Set(flagsIn(CLI_README)))
      expect(ALL_FLAGS.has(flag), `apps/cli/README.md names ${flag}`).toBe(true);
  });

  it("the CLI README's backend options table lists exactly the catalog's names and variants", () => {
    const rows = new Map(
      tableRows(CLI_README, '| flag | values | applies to |').map(([flag, values]) => [flag!, values!]),
    );
    const listed = (flag: string): string[] =>
      [...(rows.get(flag) ?? '').split('(')[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const variants = (kind: string): readonly string[] =>
      BACKEND_CATALOG.find((e) => e.variantKind === kind)!.variants.node;
    expect(listed('`--backend <name>`')).toEqual(BACKEND_CATALOG.map((e) => e.name));
    expect(listed('`--dtype <dtype>`')).toEqual(variants('dtype'));
    expect(listed('`--engine <engine>`')).toEqual(variants('engine'));
    expect(listed('`--provider <ep>`')).toEqual(variants('provider'));
    for (const flag of rows.keys()) {
      const long = /--[a-z-]+/.exec(flag)![0];
      expect(ALL_FLAGS.has(long), flag).toBe(true);
    }
  });

  it('the command help texts and the README agree on the training flags', () => {
    const train = flagsOf('train');
    for (const flag of ['--grad-clip', '--clip', '--hidden', '--steps', '--batch', '--lr', '--resume'])
      expect(train.has(flag), flag).toBe(true);
  });
});
