import base from '@scorekit/eslint-config';

export default [
  ...base,
  {
    // the loader is CommonJS so that core can require() it synchronously from a kernel
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['bench/**/*.mjs'], languageOptions: { globals: { performance: 'readonly' } } },
];
