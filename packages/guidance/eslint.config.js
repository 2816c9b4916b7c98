export { default } from '@scorekit/eslint-config';
