import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGalleryServer, type GalleryServer } from '../src/index.js';
import { copyFixtureRuns, postJson, rawRequest } from './helpers.js';

// A secret outside the runs folder, and links to it from inside: none of it may ever be served.
const SECRET = 'secret-outside-the-runs-folder';

describe('the server serves only its assets and files inside the runs folder', () => {
  let gallery: GalleryServer;
  let fixture: Awaited<ReturnType<typeof copyFixtureRuns>>;
  beforeAll(async () => {
    fixture = await copyFixtureRuns();
    await fs.writeFile(nodePath.join(fixture.base, 'secret.txt'), SECRET);
    await fs.mkdir(nodePath.join(fixture.base, 'elsewhere'));
    await fs.writeFile(nodePath.join(fixture.base, 'elsewhere', 'config.json'), SECRET);
    await fs.symlink(nodePath.join(fixture.base, 'secret.txt'), nodePath.join(fixture.root, 'mixture-400', 'samples', 'leak.png'));
    await fs.symlink(nodePath.join(fixture.base, 'elsewhere'), nodePath.join(fixture.root, 'outside-run'));
    // A link that stays inside is fine.
    await fs.symlink(nodePath.join(fixture.root, 'mixture-400', 'samples', 'step-000000400.png'), nodePath.join(fixture.root, 'mixture-100', 'samples', 'inside.png'));
    gallery = await startGalleryServer({ runs: fixture.root });
  });
  afterAll(async () => {
    await gallery.close();
    await fixture.cleanup();
  });

  const attempts = [
    '/files/../secret.txt',
    '/files/%2e%2e/secret.txt',
    '/files/%2E%2E/secret.txt',
    '/files/.%2e/secret.txt',
    '/files/%252e%252e/secret.txt',
    '/files/%25252e%25252e/secret.txt',
    '/files/mixture-400/..%2f..%2fsecret.txt',
    '/files/mixture-400%2f..%2f..%2fsecret.txt',
    '/files/..%5csecret.txt',
    '/files/mixture-400/%00/secret.txt',
    '/files/%c0%ae%c0%ae/secret.txt',
    '/assets/../../package.json',
    '/api/runs/..',
    '/api/runs/%2e%2e/samples/x.npy',
    '/files/mixture-400/samples/leak.png',
    '/files/outside-run/config.json',
    '/api/runs/outside-run',
  ];
  it.each(attempts)('refuses %s with 403 or 404 and never returns the secret', async (path) => {
    const res = await rawRequest(gallery.port, path);
    expect([403, 404]).toContain(res.status);
    expect(res.body).not.toContain(SECRET);
  });

  it('answers traversal with 403 (not a silent 404) where the path itself is the attack', async () => {
    for (const path of ['/files/../secret.txt', '/files/%2e%2e/secret.txt', '/files/%252e%252e/secret.txt', '/files/mixture-400/samples/leak.png']) {
      expect((await rawRequest(gallery.port, path)).status, path).toBe(403);
    }
  });

  it('serves files inside, links that stay inside, its assets, the sampling bundle and the wasm binaries', async () => {
    const png = await rawRequest(gallery.port, '/files/mixture-400/samples/step-000000400.png');
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect((await rawRequest(gallery.port, '/files/mixture-100/samples/inside.png')).status).toBe(200);
    expect((await rawRequest(gallery.port, '/assets/app.js')).status).toBe(200);
    const bundle = await rawRequest(gallery.port, '/assets/browser/scorekit.js', { method: 'HEAD' });
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(bundle.headers['content-length'])).toBeGreaterThan(100_000); // TensorFlow.js alone is ~1 MB minified
    const wasm = await rawRequest(gallery.port, '/vendor/tfjs-backend-wasm-simd.wasm', { method: 'HEAD' });
    expect(wasm.status).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(png.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('lists no folders and names no file outside its asset table', async () => {
    expect((await rawRequest(gallery.port, '/files/mixture-400/')).status).toBe(404);
    expect((await rawRequest(gallery.port, '/assets/nope.js')).status).toBe(404);
    expect((await rawRequest(gallery.port, '/package.json')).status).toBe(404);
  });

  it('lists the outside link as malformed, not as a run', async () => {
    const { runs, malformed } = JSON.parse((await rawRequest(gallery.port, '/api/runs')).body);
    expect(runs.map((r: { name: string }) => r.name)).toEqual(['bars-cfg', 'bars-unet', 'mixture-100', 'mixture-400']);
    expect(malformed).toEqual([{ name: 'outside-run', reason: expect.stringContaining('outside the runs folder') }]);
  });

  it('refuses a foreign Host header (DNS rebinding) and POSTs from another origin', async () => {
    expect((await rawRequest(gallery.port, '/api/runs', { headers: { Host: 'evil.example:80' } })).status).toBe(403);
    const res = await postJson(gallery.port, '/api/eval/pair', { a: 'mixture-100/step-000000100.npy', b: 'mixture-400/step-000000400.npy' }, { Origin: 'http://evil.example' });
    expect(res.status).toBe(403);
  });

  it('allows only GET, HEAD and the two POST endpoints', async () => {
    expect((await rawRequest(gallery.port, '/api/runs', { method: 'DELETE' })).status).toBe(405);
    expect((await rawRequest(gallery.port, '/files/mixture-400/config.json', { method: 'PUT', body: 'x' })).status).toBe(405);
    expect((await postJson(gallery.port, '/files/mixture-400/config.json', {})).status).toBe(405);
  });

  it('listens on loopback by default', () => {
    expect(gallery.host).toBe('127.0.0.1');
    expect(gallery.url).toBe(`http://127.0.0.1:${gallery.port}/`);
  });
});
