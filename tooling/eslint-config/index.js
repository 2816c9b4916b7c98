// Shared ESLint flat config: typescript-eslint's recommended rules, with the few exceptions numerical code needs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      // The union package's declarations pull tfjs-layers', which fail a consumer's strict type-check without
      // skipLibCheck (issue 17); @scorekit/core registers the backends, gradients and chained ops it used to bring.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@tensorflow/tfjs',
              message:
                "Import '@tensorflow/tfjs-core' (and '@tensorflow/tfjs-layers' / '-converter' for models): the union package's declarations break strict consumers.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
