import * as E from 'fp-ts/lib/Either.js';
import type { FeatureStatistics } from './featureStatistics.js';
import { decodeArray, toBase64 } from './internal/float64Json.js';

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
