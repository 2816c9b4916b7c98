import { promises as fs } from 'node:fs';
import { ASPECTS, CHOICES, type Aspect, type Choice } from './aspects.js';
import { isRecord } from './internal/json.js';

/** The file, inside the runs folder, that holds the votes: one JSON line per judged pair. */
export const VOTES_FILE = 'gallery-votes.jsonl';

/** A sample set's identity in votes: `<run>/<file in samples/>`. */
export type SourceId = string;

/** One judged pair, as stored: who was shown left and right, and the choice per aspect. */
export interface VoteRecord {
  readonly time: string;
  readonly left: SourceId;
  readonly right: SourceId;
  /** The sample indices shown (within each set), so a judgement can be traced back to the images. */
  readonly leftIndex: number;
  readonly rightIndex: number;
  readonly choices: Readonly<Record<Aspect, Choice>>;
}

/**
 * Checks the body of a vote request: `{ pairId: string, choices: { fidelity, aesthetics, defects, overall } }`
 * with each choice `left`, `right` or `tie`, nothing else. Returns every problem at once.
 *
 * @example
 * parseVoteBody({ pairId: 'p1', choices: { fidelity: 'left', aesthetics: 'tie', defects: 'right', overall: 'left' } });
 */
export function parseVoteBody(body: unknown): { ok: true; pairId: string; choices: Record<Aspect, Choice> } | { ok: false; problems: string[] } {
  if (!isRecord(body)) return { ok: false, problems: ['the body must be a JSON object { pairId, choices }'] };
  const problems: string[] = [];
  for (const k of Object.keys(body)) if (k !== 'pairId' && k !== 'choices') problems.push(`unknown field '${k}' (allowed: pairId, choices)`);
  if (typeof body.pairId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(body.pairId)) {
    problems.push('pairId must be the id of a pair the gallery issued');
  }
  const choices: Partial<Record<Aspect, Choice>> = {};
  if (!isRecord(body.choices)) {
    problems.push(`choices must be an object with ${ASPECTS.join(', ')}`);
  } else {
    for (const k of Object.keys(body.choices)) {
      if (!(ASPECTS as readonly string[]).includes(k)) problems.push(`choices.${k} is not an aspect (allowed: ${ASPECTS.join(', ')})`);
    }
    for (const aspect of ASPECTS) {
      const v = body.choices[aspect];
      if (!(CHOICES as readonly unknown[]).includes(v)) {
        problems.push(`choices.${aspect} must be one of ${CHOICES.join(', ')}, got ${JSON.stringify(v) ?? 'nothing'}`);
      } else {
        choices[aspect] = v as Choice;
      }
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, pairId: body.pairId as string, choices: choices as Record<Aspect, Choice> };
}

/**
 * Appends one vote as a single line with one `write` on a file opened with O_APPEND: POSIX makes such a write land
 * whole at the end of the file even with other writers, so concurrent votes never interleave (and the gallery also
 * queues its own writes, see {@link createVoteWriter}).
 */
export async function appendVote(path: string, vote: VoteRecord): Promise<void> {
  const handle = await fs.open(path, 'a', 0o644);
  try {
    await handle.write(`${JSON.stringify(vote)}\n`);
  } finally {
    await handle.close();
  }
}

/** A writer that appends votes one after another (never two writes to the file at once from this process). */
export function createVoteWriter(path: string): (vote: VoteRecord) => Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  return (vote) => {
    const next = queue.then(() => appendVote(path, vote));
    queue = next.catch(() => undefined);
    return next;
  };
}

/**
 * Reads the votes file: the well-formed records and the numbers of lines that are not (a line cut short by a
 * crash is skipped, not fatal). A missing file holds no votes.
 */
export async function readVotes(path: string): Promise<{ votes: VoteRecord[]; badLines: number[] }> {
  const text = await fs.readFile(path, 'utf8').catch(() => '');
  const votes: VoteRecord[] = [];
  const badLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const v = JSON.parse(line) as unknown;
      if (isVoteRecord(v)) votes.push(v);
      else badLines.push(i + 1);
    } catch {
      badLines.push(i + 1);
    }
  });
  return { votes, badLines };
}

function isVoteRecord(v: unknown): v is VoteRecord {
  return (
    isRecord(v) &&
    typeof v.left === 'string' &&
    typeof v.right === 'string' &&
    isRecord(v.choices) &&
    ASPECTS.every((a) => (CHOICES as readonly unknown[]).includes((v.choices as Record<string, unknown>)[a]))
  );
}
