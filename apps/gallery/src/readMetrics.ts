import { promises as fs } from 'node:fs';
import type { MetricsPoint } from './runSummary.js';
import { isRecord } from './internal/json.js';

/**
 * Reads a run's `metrics.jsonl`: every line that is a JSON object with a numeric `step` (only its finite numeric
 * fields are kept), and the 1-based numbers of the lines that are not — a half-written last line or a stray edit
 * is reported, not fatal. A missing file is an empty log.
 *
 * @example
 * const { points, badLines } = await readMetrics('runs/demo/metrics.jsonl');
 */
export async function readMetrics(path: string): Promise<{ points: MetricsPoint[]; badLines: number[] }> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch {
    return { points: [], badLines: [] };
  }
  const points: MetricsPoint[] = [];
  const badLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      badLines.push(i + 1);
      return;
    }
    if (!isRecord(value) || typeof value.step !== 'number' || !Number.isFinite(value.step)) {
      badLines.push(i + 1);
      return;
    }
    const point: Record<string, number> = {};
    for (const [k, v] of Object.entries(value)) if (typeof v === 'number' && Number.isFinite(v)) point[k] = v;
    points.push(point as MetricsPoint);
  });
  return { points, badLines };
}
