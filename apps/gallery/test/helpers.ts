import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed fixture: runs made by `scorekit train --preset 2d` (see fixtures/make-fixture.sh). */
export const FIXTURE_RUNS = fileURLToPath(new URL('./fixtures/runs/', import.meta.url));

/** A scratch copy of the fixture runs folder (tests add malformed folders, symlinks and votes to it). */
export async function copyFixtureRuns(): Promise<{ root: string; base: string; cleanup: () => Promise<void> }> {
  const base = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'scorekit-gallery-'));
  const root = nodePath.join(base, 'runs');
  await fs.cp(FIXTURE_RUNS, root, { recursive: true });
  return { root, base, cleanup: () => fs.rm(base, { recursive: true, force: true }) };
}

/**
 * One HTTP request with the path sent exactly as given (no URL normalisation, unlike fetch), so traversal
 * attempts reach the server as an attacker would send them.
 */
export function rawRequest(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    if (options.body != null) req.write(options.body);
    req.end();
  });
}

/** POSTs JSON to the gallery. */
export function postJson(port: number, path: string, value: unknown, headers: Record<string, string> = {}) {
  return rawRequest(port, path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(value) });
}
