import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/cli.js';
import { cli } from './cliHarness.js';
import { tempDir } from './helpers.js';

// `scorekit gallery` itself is driven end to end in apps/gallery/test/e2e.test.ts; here its argument errors and
// its --json start-up line.
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

describe('scorekit gallery --json', () => {
  it('prints {url, runs} as one JSON line on stdout, at a URL that serves the gallery, and stops on SIGINT', async () => {
    const runs = await tempDir();
    let stdout = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const running = runCli(['node', 'scorekit', 'gallery', '--runs', runs, '--port', '0', '--json']);
      while (!stdout.includes('\n')) await new Promise((r) => setTimeout(r, 20));
      const line = JSON.parse(stdout.trim()) as { url: string; runs: string };
      expect(line.runs).toBe(runs);
      expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/?$/);
      const page = await fetch(line.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      process.emit('SIGINT');
      expect(await running).toBe(0);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});
