import config from '@scorekit/eslint-config';

// generated/ holds tfjs-core's own code, bundled by scripts/bundle-tfjs-gradients.mjs.
export default [{ ignores: ['generated/**'] }, ...config];
