import * as E from 'fp-ts/lib/Either.js';
import type { FeatureStatistics } from './featureStatistics.js';

/** The `format` tag of a feature-statistics JSON file. */
export const FEATURE_STATISTICS_FORMAT = 'scorekit.feature-statistics';

/** Why a feature-statistics file could not be read, parsed or written; `problems` lists every issue found. */
export interface FeatureStatisticsFileError {
  readonly kind: 'read' | 'parse' | 'write';
  readonly path: string;
  readonly problems: readonly string[];
}

/**
 * Serialises statistics as JSON: `{ format, version: 1, n, d, mean, cov }` with `mean` and `cov` (row-major
 * d × d) as base64 of little-endian float64, so values round-trip exactly (43 MB for d = 2048).
 *
 * @example
 * const text = featureStatisticsToJson(featureStatistics(real));
 */
export function featureStatisticsToJson(stats: FeatureStatistics): string {
  return JSON.stringify({
    format: FEATURE_STATISTICS_FORMAT,
    version: 1,
    n: stats.n,
    d: stats.d,
    mean: toBase64(stats.mean),
    cov: toBase64(stats.cov),
  });
}

/**
 * Parses statistics JSON, reporting every problem at once. Besides base64 (what {@link featureStatisticsToJson}
 * writes), `mean` may be a number array and `cov` a flat or nested number array, so statistics exported from
 * Python (`json.dump({"n": n, "d": d, "mean": mu.tolist(), "cov": sigma.tolist()}, f)`) load as they are.
 *
 * @example
 * const stats = parseFeatureStatistics(text); // Either<string[], FeatureStatistics>
 */
export function parseFeatureStatistics(text: string): E.Either<readonly string[], FeatureStatistics> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return E.left([`not valid JSON: ${(e as Error).message}`]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return E.left(['expected a JSON object']);
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (o.format !== undefined && o.format !== FEATURE_STATISTICS_FORMAT) {
    problems.push(`format must be '${FEATURE_STATISTICS_FORMAT}'; got ${JSON.stringify(o.format)}`);
  }
  if (o.version !== undefined && o.version !== 1) problems.push(`version must be 1; got ${JSON.stringify(o.version)}`);
  const n = o.n;
  const d = o.d;
  if (!Number.isInteger(n) || (n as number) < 2) problems.push(`n must be an integer ≥ 2; got ${JSON.stringify(n)}`);
  if (!Number.isInteger(d) || (d as number) < 1) problems.push(`d must be an integer ≥ 1; got ${JSON.stringify(d)}`);
  const dim = Number.isInteger(d) ? (d as number) : -1;
  const mean = decodeArray(o.mean, 'mean', dim < 0 ? -1 : dim, problems);
  const cov = decodeArray(o.cov, 'cov', dim < 0 ? -1 : dim * dim, problems);
  if (problems.length > 0 || mean === null || cov === null) return E.left(problems);
  return E.right({ n: n as number, d: dim, mean, cov });
}

function toBase64(a: Float64Array): string {
  const bytes = new Uint8Array(a.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(i * 8, a[i], true);
  return bytesToBase64(bytes);
}

function decodeArray(v: unknown, name: string, length: number, problems: string[]): Float64Array | null {
  let out: Float64Array;
  if (typeof v === 'string') {
    const bytes = base64ToBytes(v);
    if (bytes.length % 8 !== 0) {
      problems.push(`${name} must be base64 of little-endian float64 values (byte length a multiple of 8)`);
      return null;
    }
    out = new Float64Array(bytes.length / 8);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  } else if (Array.isArray(v)) {
    const flat = (v as unknown[]).flat();
    if (!flat.every((x) => typeof x === 'number')) {
      problems.push(`${name} must contain only numbers`);
      return null;
    }
    out = Float64Array.from(flat as number[]);
  } else {
    problems.push(`${name} must be a base64 string or an array of numbers; got ${v === undefined ? 'nothing' : typeof v}`);
    return null;
  }
  if (length >= 0 && out.length !== length) {
    problems.push(`${name} has ${out.length} values; expected ${length}`);
    return null;
  }
  const bad = out.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) {
    problems.push(`${name}[${bad}] is ${out[bad]}; values must be finite`);
    return null;
  }
  return out;
}

// Node's Buffer where it exists (fast, and lenient about whitespace as before); atob/btoa in browsers.
function bytesToBase64(bytes: Uint8Array): string {
  if (typeof Buffer !== 'undefined') return Buffer.from(bytes).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function base64ToBytes(text: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return Buffer.from(text, 'base64');
  const binary = atob(text.replace(/\s/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
