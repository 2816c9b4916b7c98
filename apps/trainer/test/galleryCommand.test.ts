import { describe, expect, it } from 'vitest';
import { cli } from './cliHarness.js';

// `scorekit gallery` itself is driven end to end in apps/gallery/test/e2e.test.ts; here only its argument errors.
describe('scorekit gallery', () => {
  it('names a runs folder that does not exist, before listening', async () => {
    const r = await cli('gallery', '--runs', '/nonexistent/runs');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('scorekit: Cannot start the gallery: --runs "/nonexistent/runs" is not a folder (give the folder that holds the run folders)\n');
  });

  it('names a bad port and the allowed range', async () => {
    for (const port of ['abc', '-1', '70000', '1.5']) {
      const r = await cli('gallery', '--runs', '.', '--port', port);
      expect(r.code, port).toBe(2);
      expect(r.stderr).toBe(`scorekit: --port must be an integer in [0, 65535], got '${port}'\n`);
    }
  });

  it('requires --runs', async () => {
    const r = await cli('gallery');
    expect(r.code).toBe(2); // a usage error: exit 2 as the README promises (issue 16)
    expect(r.stderr).toContain("required option '--runs <dir>' not specified");
  });
});
