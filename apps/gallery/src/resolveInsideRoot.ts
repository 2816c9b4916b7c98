import { promises as fs } from 'node:fs';
import nodePath from 'node:path';

/** Why a request path was refused: `forbidden` (traversal, encoded tricks, links out) → 403, `missing` → 404. */
export type PathRefusal = { readonly kind: 'forbidden'; readonly reason: string } | { readonly kind: 'missing'; readonly reason: string };

/** A request path that resolved to a real file or folder inside the root. */
export type ResolvedPath = { readonly kind: 'ok'; readonly path: string; readonly isDirectory: boolean };

/**
 * Maps the still-percent-encoded segments of a URL path onto a file inside `root`, refusing anything that could
 * leave it: a `..` or `.` segment in any encoding (`%2e%2e`, `%252e`, overlong UTF-8 is rejected by the decoder),
 * backslashes, NUL bytes, a `%` left after one decoding (double encoding), and — after resolving every symlink —
 * any real path outside the root's real path. Only the last check matters for symlinks; the others make the
 * refusal explicit (403) instead of silently normalising.
 *
 * @example
 * const r = await resolveInsideRoot('/srv/runs', 'demo/samples/step-000001000.png');
 * if (r.kind === 'ok') stream(r.path);
 */
export async function resolveInsideRoot(root: string, encodedRelative: string): Promise<ResolvedPath | PathRefusal> {
  const segments: string[] = [];
  for (const raw of encodedRelative.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { kind: 'forbidden', reason: `malformed percent-encoding in '${raw}'` };
    }
    if (segment === '.' || segment === '..' || /^\.+$/.test(segment)) {
      return { kind: 'forbidden', reason: `'${raw}' is a relative path segment` };
    }
    if (/[\\/\0]/.test(segment)) return { kind: 'forbidden', reason: `'${raw}' decodes to a separator or NUL` };
    if (segment.includes('%')) return { kind: 'forbidden', reason: `'${raw}' is encoded twice` };
    if (segment.startsWith('.')) return { kind: 'forbidden', reason: `'${raw}' is a hidden file` };
    segments.push(segment);
  }
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch {
    return { kind: 'missing', reason: 'the runs folder does not exist' };
  }
  const joined = nodePath.join(realRoot, ...segments);
  let real: string;
  try {
    real = await fs.realpath(joined);
  } catch {
    return { kind: 'missing', reason: 'no such file' };
  }
  if (!isInside(realRoot, real)) return { kind: 'forbidden', reason: 'the path leads outside the runs folder' };
  const stat = await fs.stat(real);
  return { kind: 'ok', path: real, isDirectory: stat.isDirectory() };
}

/** True when `child` is `parent` or lies below it (both absolute and already real paths). */
export function isInside(parent: string, child: string): boolean {
  const rel = nodePath.relative(parent, child);
  return rel === '' || (rel.split(nodePath.sep)[0] !== '..' && !nodePath.isAbsolute(rel));
}
