// Lint rules that catch what the type checker cannot: floating promises, `any`, unused code.
import js from '@eslint/js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';

// Every workspace's test tsconfig (it covers src and test), for the type-aware rules.
const projects = ['packages', 'apps'].flatMap((root) =>
  readdirSync(join(import.meta.dirname, root))
    .map((name) => join(import.meta.dirname, root, name))
    .filter((dir) => existsSync(join(dir, 'tsconfig.test.json')) && existsSync(join(dir, 'src', 'index.ts')))
    .map((dir) => join(dir, 'tsconfig.test.json')),
);

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'tools/**', '**/*.config.ts', 'eslint.config.js', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: projects,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
);
