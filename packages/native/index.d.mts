import native from './index.cjs';
export * from './index.cjs';
export default native;
