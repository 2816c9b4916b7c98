import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { featureStatistics, featureStatisticsToJson, frechetDistance, parseFeatureStatistics } from '../src/index.js';
import { loadFeatureStatistics, saveFeatureStatistics } from '../src/node.js';
import { reference } from './referenceData.js';

const dir = mkdtempSync(join(tmpdir(), 'scorekit-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('feature statistics files', () => {
  it('round-trip every float64 bit through a file, and FID from the loaded statistics is unchanged', async () => {
    const stats = featureStatistics(reference.random.real);
    const path = join(dir, 'real.stats.json');
    expect(E.isRight(await saveFeatureStatistics(path, stats)())).toBe(true);
    expect(readdirSync(dir)).toEqual(['real.stats.json']); // the temporary file was renamed away
    const loaded = await loadFeatureStatistics(path)();
    if (E.isLeft(loaded)) throw new Error(loaded.left.problems.join('; '));
    expect(loaded.right).toEqual(stats);
    const fake = featureStatistics(reference.random.fake);
    expect(frechetDistance(loaded.right, fake)).toBe(frechetDistance(stats, fake));
  });

  it('reads statistics exported from Python as nested lists', () => {
    const text = JSON.stringify({ n: 10, d: 2, mean: [0, 1], cov: [[2, 0.5], [0.5, 1]] });
    const parsed = parseFeatureStatistics(text);
    expect(parsed).toEqual(E.right({ n: 10, d: 2, mean: Float64Array.of(0, 1), cov: Float64Array.of(2, 0.5, 0.5, 1) }));
  });

  it('reports every problem of a bad file at once', async () => {
    const bad = JSON.stringify({ format: 'other', n: 1, d: 2, mean: [0], cov: 'x' });
    const r = parseFeatureStatistics(bad);
    expect(E.isLeft(r) && r.left).toEqual([
      "format must be 'scorekit.feature-statistics'; got \"other\"",
      'n must be an integer ≥ 2; got 1',
      'mean has 1 values; expected 2',
      'cov has 0 values; expected 4',
    ]);
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ not json');
    const loaded = await loadFeatureStatistics(path)();
    expect(E.isLeft(loaded) && loaded.left.kind).toBe('parse');
    const missing = await loadFeatureStatistics(join(dir, 'nope.json'))();
    expect(E.isLeft(missing) && missing.left.kind).toBe('read');
    rmSync(path);
  });

  it('serialises to the documented JSON shape', () => {
    const json = JSON.parse(featureStatisticsToJson(featureStatistics([[0, 1], [2, 3], [4, 8]])));
    expect(Object.keys(json)).toEqual(['format', 'version', 'n', 'd', 'mean', 'cov']);
    expect([json.format, json.version, json.n, json.d]).toEqual(['scorekit.feature-statistics', 1, 3, 2]);
    expect(Buffer.from(json.cov, 'base64').length).toBe(4 * 8);
  });
});

it('writes and parses the same JSON without Node’s Buffer (browsers), bit for bit', () => {
  const toJson = featureStatisticsToJson;
  const parse = parseFeatureStatistics;
  const stats = { n: 3, d: 2, mean: Float64Array.from([0.1, -2 / 3]), cov: Float64Array.from([1, Math.PI, Math.PI, 1e-300]) };
  const withBuffer = toJson(stats);
  const saved = globalThis.Buffer;
  // @ts-expect-error -- hiding Node's Buffer as a browser lacks it
  delete globalThis.Buffer;
  try {
    expect(toJson(stats)).toBe(withBuffer);
    const parsed = parse(withBuffer);
    expect(parsed._tag).toBe('Right');
    if (parsed._tag === 'Right') expect([...parsed.right.mean, ...parsed.right.cov]).toEqual([...stats.mean, ...stats.cov]);
  } finally {
    globalThis.Buffer = saved;
  }
});
