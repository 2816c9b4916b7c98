import shared from '@scorekit/eslint-config';

// The pages in public/ are plain ES modules that run in the browser: give them its globals.
const browserGlobals = Object.fromEntries(
  ['window', 'document', 'navigator', 'location', 'fetch', 'performance', 'URLSearchParams', 'FormData', 'Node', 'TextDecoder', 'HTMLCanvasElement', 'setTimeout'].map((name) => [name, 'readonly']),
);

export default [...shared, { files: ['public/**/*.js'], languageOptions: { globals: browserGlobals } }, { ignores: ['test-results/**', 'test/fixtures/runs/**', 'dist/**'] }];
