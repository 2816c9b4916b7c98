import * as E from 'fp-ts/lib/Either.js';
import type { ClipScoreSums } from './clipScoreSums.js';
import type { FeatureSums } from './featureSums.js';
import type { InceptionScoreSums } from './inceptionScoreSums.js';
import { decodeArray, toBase64 } from './internal/float64Json.js';

/** The `format` tag of a metric-sums JSON file. */
export const METRIC_SUMS_FORMAT = 'scorekit.metric-sums';

/** One shard's mergeable sums, tagged by the metric they serve. */
export type MetricSums =
  | ({ readonly metric: 'fid' } & FeatureSums)
  | ({ readonly metric: 'is' } & InceptionScoreSums)
  | ({ readonly metric: 'clip' } & ClipScoreSums);

/**
 * Serialises sums as JSON `{ format, version: 1, metric, n, … }`; float64 arrays are base64 of little-endian
 * float64 and scalars are JSON numbers (which round-trip float64 exactly), so a saved shard merges bit-for-bit
 * as it was in memory.
 *
 * @example
 * metricSumsToJson({ metric: 'fid', ...featureSums(features) });
 */
export function metricSumsToJson(sums: MetricSums): string {
  const head = { format: METRIC_SUMS_FORMAT, version: 1, metric: sums.metric, n: sums.n };
  switch (sums.metric) {
    case 'fid':
      return JSON.stringify({ ...head, d: sums.d, sum: toBase64(sums.sum), sumOuter: toBase64(sums.sumOuter) });
    case 'is':
      return JSON.stringify({ ...head, classes: sums.classes, sumP: toBase64(sums.sumP), sumPLogP: sums.sumPLogP });
    case 'clip':
      return JSON.stringify({ ...head, sumCos: sums.sumCos, sumClipped: sums.sumClipped });
  }
}

/**
 * Parses metric-sums JSON, reporting every problem at once.
 *
 * @example
 * parseMetricSums(text); // Either<string[], MetricSums>
 */
export function parseMetricSums(text: string): E.Either<readonly string[], MetricSums> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return E.left([`not valid JSON: ${(e as Error).message}`]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return E.left(['expected a JSON object']);
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (o.format !== METRIC_SUMS_FORMAT) problems.push(`format must be '${METRIC_SUMS_FORMAT}'; got ${JSON.stringify(o.format)}`);
  if (o.version !== 1) problems.push(`version must be 1; got ${JSON.stringify(o.version)}`);
  const int = (key: string, min: number): number => {
    const v = o[key];
    if (!Number.isInteger(v) || (v as number) < min) {
      problems.push(`${key} must be an integer ≥ ${min}; got ${JSON.stringify(v)}`);
      return -1;
    }
    return v as number;
  };
  const num = (key: string): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      problems.push(`${key} must be a finite number; got ${JSON.stringify(v)}`);
      return NaN;
    }
    return v;
  };
  const n = int('n', 1);
  let sums: MetricSums | null = null;
  if (o.metric === 'fid') {
    const d = int('d', 1);
    const sum = decodeArray(o.sum, 'sum', d < 0 ? -1 : d, problems);
    const sumOuter = decodeArray(o.sumOuter, 'sumOuter', d < 0 ? -1 : d * d, problems);
    if (sum !== null && sumOuter !== null) sums = { metric: 'fid', n, d, sum, sumOuter };
  } else if (o.metric === 'is') {
    const classes = int('classes', 1);
    const sumP = decodeArray(o.sumP, 'sumP', classes < 0 ? -1 : classes, problems);
    const sumPLogP = num('sumPLogP');
    if (sumP !== null) sums = { metric: 'is', n, classes, sumP, sumPLogP };
  } else if (o.metric === 'clip') {
    sums = { metric: 'clip', n, sumCos: num('sumCos'), sumClipped: num('sumClipped') };
  } else {
    problems.push(`metric must be one of fid, is, clip; got ${JSON.stringify(o.metric)}`);
  }
  return problems.length > 0 || sums === null ? E.left(problems) : E.right(sums);
}
