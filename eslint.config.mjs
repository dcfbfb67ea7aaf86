// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'media/**', 'scripts/**', '.vscode-test/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      curly: 'error',
    },
  },
  {
    // Domain logic is plain TypeScript, tested under plain Node: it may not touch the editor API.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/domain must not depend on the vscode API.' }],
        patterns: [{
          group: [
            '**/cluster/**', '**/azure/**', '**/history/**', '**/session/**', '**/guidance/**', '**/tree/**',
            '**/commands/**', '**/hover/**', '**/terminal/**', '**/notifications/**', '**/statusBar/**',
          ],
          message: 'src/domain must not depend on editor-facing code.',
        }],
      }],
    },
  },
  {
    // Cluster access, Azure access and repair history run (and are tested) under plain Node too.
    // Azure sign-in needs vscode.authentication: that one adapter hands the rest a TokenCredential.
    files: ['src/cluster/**/*.ts', 'src/azure/**/*.ts', 'src/history/**/*.ts', 'src/fileScan/**/*.ts'],
    ignores: ['src/azure/vscodeAuth.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{
          name: 'vscode',
          message: 'src/cluster, src/azure and src/history must not depend on the vscode API (only src/azure/vscodeAuth.ts may); use @vscode/l10n for strings.',
        }],
      }],
    },
  },
  {
    // The webview renderers are unit-tested under plain Node: the panels hand them strings and URIs.
    files: [
      'src/guidance/guidanceRenderer.ts', 'src/diagnosis/diagnosisRenderer.ts', 'src/diagnosis/diagnosisView.ts',
      'src/diagnosis/findingsRenderer.ts', 'src/diagnosis/htmlParts.ts', 'src/diagnosis/problemBox.ts', 'src/diagnosis/sectionRenderers.ts',
      'src/historyPanel/historyData.ts', 'src/historyPanel/historyChart.ts', 'src/historyPanel/historyRenderer.ts',
    ],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'A renderer gets its strings and resource URIs from its panel; it must not import vscode.' }],
      }],
    },
  },
);
