import { promises as fs } from 'node:fs';

/** A JSON object (what configs and summaries must be). */
export type JsonRecord = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonRecord {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads and parses a JSON file: the value, `missing`, or the parse error's message. */
export async function readJson(path: string): Promise<{ ok: true; value: unknown } | { ok: false; missing: boolean; reason: string }> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, missing, reason: missing ? 'missing' : (e as Error).message };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, missing: false, reason: `not valid JSON (${(e as Error).message})` };
  }
}

/** A config field that may be a name or `{ name, ... }` (dataset, sde, objective, sampler). */
export function nameOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (isRecord(v) && typeof v.name === 'string') return v.name;
  return null;
}
