import { createReadStream, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nodePath from 'node:path';
import { ASPECTS, CHOICES } from './aspects.js';
import { CONTENT_TYPES, loadAssetTable } from './assets.js';
import { listRuns } from './listRuns.js';
import { createPairBook } from './pairBook.js';
import { readRun } from './readRun.js';
import { resolveInsideRoot } from './resolveInsideRoot.js';
import { countSamples, readSampleSlice } from './sampleData.js';
import { VOTES_FILE, createVoteWriter, parseVoteBody, readVotes } from './votes.js';
import { winRates } from './winRates.js';

/** Options of {@link startGalleryServer}. */
export interface GalleryServerOptions {
  /** The runs folder (each sub-folder a `scorekit train --out` run). */
  readonly runs: string;
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on; default 127.0.0.1 (loopback only). */
  readonly host?: string;
}

/** A running gallery: its URL and how to stop it. */
export interface GalleryServer {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
/** What the wasm backend and WebGPU need and nothing more: no inline script, no other origin. */
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Starts the gallery's HTTP server over a runs folder (Node's own `http`; see README for why no framework). It
 * serves only its own assets (a table fixed at start-up) and files inside the runs folder — a `..` segment in any
 * encoding, double encoding, hidden files and symlinks whose real path leaves the folder are refused with 403 —
 * plus a JSON API. The only write is a vote, validated and appended as one line to `<runs>/gallery-votes.jsonl`.
 * On a loopback address (the default) it also refuses requests whose Host header is not a loopback name, so a web
 * page elsewhere cannot reach it through DNS rebinding; POSTs must come from the gallery's own origin.
 *
 * @example
 * const gallery = await startGalleryServer({ runs: 'runs', port: 8080 });
 * console.log(gallery.url); // http://127.0.0.1:8080/
 * await gallery.close();
 */
export async function startGalleryServer(options: GalleryServerOptions): Promise<GalleryServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port must be an integer in [0, 65535], got ${port}`);
  const stat = await fs.stat(options.runs).catch(() => null);
  if (stat == null || !stat.isDirectory()) throw new Error(`--runs ${JSON.stringify(options.runs)} is not a folder (give the folder that holds the run folders)`);
  const root = await fs.realpath(options.runs);
  const assets = await loadAssetTable();
  const pairs = createPairBook();
  const votesPath = nodePath.join(root, VOTES_FILE);
  const writeVote = createVoteWriter(votesPath);
  const loopback = LOOPBACK.has(host);

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      const message = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) sendJson(res, status, { error: message });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const [rawPath, query = ''] = splitOnce(rawUrl, '?');
    if (loopback && !hostIsLoopback(req.headers.host)) throw new HttpError(403, 'this gallery answers only to localhost / 127.0.0.1 / [::1]');
    // Refuse traversal before any routing: the raw path, not a URL parser's normalised one.
    checkRawPath(rawPath);
    const params = new URLSearchParams(query);
    const method = req.method ?? 'GET';

    if (method === 'POST') {
      checkOrigin(req);
      const body = await readJsonBody(req);
      if (rawPath === '/api/eval/pair') return sendJson(res, 200, await issuePair(body));
      if (rawPath === '/api/eval/vote') return sendJson(res, 201, await recordVote(body));
      throw new HttpError(405, `POST is allowed only on /api/eval/pair and /api/eval/vote, not ${rawPath}`);
    }
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `method ${method} is not allowed (GET, HEAD, POST)`);

    if (rawPath === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const asset = assets.get(rawPath);
    if (asset != null) return sendFile(req, res, asset);
    if (rawPath === '/api/runs') return sendJson(res, 200, await listRuns(root));
    if (rawPath === '/api/eval/sources') return sendJson(res, 200, await evalSources());
    if (rawPath === '/api/eval/results') {
      const { votes, badLines } = await readVotes(votesPath);
      return sendJson(res, 200, { aspects: ASPECTS, votes: votes.length, badLines, rows: winRates(votes) });
    }
    const runApi = /^\/api\/runs\/([^/]+)(?:\/(samples|trajectories)\/([^/]+))?$/.exec(rawPath);
    if (runApi) {
      const name = decodeURIComponent(runApi[1]);
      if (runApi[2] == null) {
        const r = await readRun(root, name);
        if (!r.ok) throw new HttpError(404, `run ${JSON.stringify(name)}: ${r.reason}`);
        return sendJson(res, 200, r.run);
      }
      const file = await resolveOrThrow(`${runApi[1]}/${runApi[2]}/${runApi[3]}`);
      if (!file.endsWith('.npy')) throw new HttpError(404, 'only .npy arrays can be sliced');
      const axis = runApi[2] === 'samples' ? 0 : 1;
      const from = intParam(params, 'from', 0);
      const count = intParam(params, 'count', axis === 0 ? 2000 : 256);
      return sendJson(res, 200, await readSampleSlice(file, { axis, from, count }));
    }
    if (rawPath.startsWith('/files/')) {
      const file = await resolveOrThrow(rawPath.slice('/files/'.length));
      return sendFile(req, res, file);
    }
    throw new HttpError(404, `nothing at ${rawPath}`);
  }

  async function resolveOrThrow(encoded: string): Promise<string> {
    const r = await resolveInsideRoot(root, encoded);
    if (r.kind === 'forbidden') throw new HttpError(403, `refused: ${r.reason}`);
    if (r.kind === 'missing' || r.isDirectory) throw new HttpError(404, r.kind === 'missing' ? r.reason : 'folders are not listed');
    return r.path;
  }

  async function evalSources() {
    const { runs } = await listRuns(root);
    const sources = [];
    for (const summary of runs) {
      const r = await readRun(root, summary.name);
      if (!r.ok) continue;
      for (const set of r.run.sampleSets) {
        sources.push({ id: `${summary.name}/${set.file}`, run: summary.name, file: set.file, step: set.step, kind: summary.kind });
      }
    }
    return { sources };
  }

  async function sourcePath(id: unknown, field: string): Promise<string> {
    if (typeof id !== 'string' || !/^[^/]+\/[^/]+\.npy$/.test(id)) {
      throw new HttpError(400, `${field} must name a sample set as '<run>/<file>.npy' (see /api/eval/sources)`);
    }
    const [run, file] = id.split('/');
    const r = await resolveInsideRoot(root, `${encodeURIComponent(run)}/samples/${encodeURIComponent(file)}`);
    if (r.kind === 'forbidden') throw new HttpError(403, `${field}: refused: ${r.reason}`);
    if (r.kind === 'missing' || r.isDirectory) throw new HttpError(400, `${field}: no sample set ${JSON.stringify(id)}`);
    return r.path;
  }

  async function issuePair(body: unknown) {
    const b = (body ?? {}) as Record<string, unknown>;
    const [pathA, pathB] = [await sourcePath(b.a, 'a'), await sourcePath(b.b, 'b')];
    if (b.a === b.b) throw new HttpError(400, 'a and b must be two different sample sets');
    const [ca, cb] = [await countSamples(pathA), await countSamples(pathB)];
    const { id, pair } = pairs.issue(b.a as string, b.b as string, ca.count, cb.count);
    const item = async (sourceId: string, index: number) => {
      const path = sourceId === b.a ? pathA : pathB;
      const shape = sourceId === b.a ? ca.shape : cb.shape;
      // 2D sets are judged as a whole scatter plot; images one sample at a time.
      return shape.length === 2 ? readSampleSlice(path, { axis: 0, from: 0, count: 2000 }) : readSampleSlice(path, { axis: 0, from: index, count: 1 });
    };
    return { pairId: id, aspects: ASPECTS, choices: CHOICES, left: await item(pair.left, pair.leftIndex), right: await item(pair.right, pair.rightIndex) };
  }

  async function recordVote(body: unknown) {
    const parsed = parseVoteBody(body);
    if (!parsed.ok) throw new HttpError(400, `invalid vote: ${parsed.problems.join('; ')}`);
    const pair = pairs.redeem(parsed.pairId);
    if (pair == null) throw new HttpError(409, 'unknown or already used pairId: ask /api/eval/pair for a new pair');
    const vote = { time: new Date().toISOString(), ...pair, choices: parsed.choices };
    await writeVote(vote);
    return { recorded: vote };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' || host.includes(':') ? `[${address.address}]` : host;
  return {
    url: `http://${urlHost}:${address.port}/`,
    port: address.port,
    host,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** 403 for any segment that is, or decodes (once or twice) to, `.` or `..`, and for backslashes or NUL anywhere. */
function checkRawPath(rawPath: string): void {
  if (!rawPath.startsWith('/')) throw new HttpError(400, 'the request path must start with /');
  for (const segment of rawPath.split('/')) {
    let decoded = segment;
    for (let i = 0; i < 3 && decoded.includes('%'); i++) {
      try {
        decoded = decodeURIComponent(decoded);
      } catch {
        throw new HttpError(403, `refused: malformed percent-encoding in '${segment}'`);
      }
    }
    if (/^\.\.?$/.test(decoded) || /[\\\0]/.test(decoded) || decoded.includes('/')) {
      throw new HttpError(403, `refused: '${segment}' is a relative or encoded path segment`);
    }
  }
}

function hostIsLoopback(hostHeader: string | undefined): boolean {
  if (hostHeader == null) return false;
  const name = hostHeader.startsWith('[') ? hostHeader.slice(1, hostHeader.indexOf(']')) : hostHeader.split(':')[0];
  return LOOPBACK.has(name.toLowerCase());
}

function checkOrigin(req: http.IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin == null) return; // not a browser's cross-site request (curl, tests)
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new HttpError(403, `refused: bad Origin ${origin}`);
  }
  if (host !== req.headers.host) throw new HttpError(403, `refused: POST from another origin (${origin})`);
}

async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) throw new HttpError(415, 'the body must be application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, `the body is larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}

function intParam(params: URLSearchParams, name: string, fallback: number): number {
  const v = params.get(name);
  if (v == null) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 100000) throw new HttpError(400, `${name} must be an integer in [0, 100000], got ${v}`);
  return n;
}

function securityHeaders(res: http.ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  securityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

async function sendFile(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
  const stat = await fs.stat(path);
  securityHeaders(res);
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[nodePath.extname(path)] ?? 'application/octet-stream',
    'Content-Length': stat.size,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    createReadStream(path).on('error', reject).pipe(res).on('finish', resolve).on('error', reject);
  });
}
