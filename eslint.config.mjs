import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'src/web/public/**', 'console/src/api/schema.d.ts', 'test-artifacts/**', 'test/architecture/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // The console runs in the browser.
  { files: ['console/**/*.{ts,tsx}'], languageOptions: { globals: { window: 'readonly', document: 'readonly', fetch: 'readonly' } } },
  { files: ['**/*.js', '**/*.cjs', '**/*.mjs'], languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', console: 'readonly', URL: 'readonly', SharedArrayBuffer: 'readonly', Atomics: 'readonly' } }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
