import type { ConfigIssue } from './ConfigError.js';
import { showValue } from './optionChecks.js';
import type { Resolution } from './resolveOptions.js';

/**
 * A config with the key that names its variant under `name`, the key every scorekit config uses. `aliases` are
 * older spellings of that key still read so that files saved before still load (`kind` for networks, energy models
 * and classifiers, `parameterisation` for score models): an alias is moved to `name`; a config giving `name` and an
 * alias with different values is one problem naming both. A config that is not an object is returned as it is.
 *
 * @example
 * withVariantName({ kind: 'mlp', dim: 2 }, ['kind']); // { ok: true, value: { name: 'mlp', dim: 2 } }
 * withVariantName({ name: 'mlp', kind: 'unet' }, ['kind']); // { ok: false, issues: [{ path: 'name', … }] }
 */
export function withVariantName<T = Record<string, unknown>>(config: T, aliases: readonly string[]): Resolution<T> {
  if (config == null || typeof config !== 'object' || Array.isArray(config)) return { ok: true, value: config };
  const raw = config as Record<string, unknown>;
  const given = aliases.filter((a) => raw[a] !== undefined);
  if (given.length === 0) return { ok: true, value: config };
  const out: Record<string, unknown> = { ...raw };
  for (const a of given) delete out[a];
  const keys = raw.name !== undefined ? ['name', ...given] : given;
  const values = keys.map((k) => raw[k]);
  if (values.some((v) => v !== values[0])) {
    const issue: ConfigIssue = {
      path: 'name',
      problem: `${keys.map((k) => `${k} ${showValue(raw[k])}`).join(' and ')} disagree: give only 'name' (${given.map((a) => `'${a}'`).join(', ')} is its deprecated spelling)`,
      allowed: "one 'name'",
    };
    return { ok: false, issues: [issue] };
  }
  return { ok: true, value: { name: values[0], ...out } as T };
}

/**
 * The variant a raw config names under `name` or one of its deprecated `aliases` (undefined when none is given or
 * they disagree).
 *
 * @example
 * variantNameOf({ kind: 'unet' }, ['kind']); // 'unet'
 */
export function variantNameOf(config: unknown, aliases: readonly string[]): unknown {
  const r = withVariantName(config, aliases);
  return r.ok && r.value != null && typeof r.value === 'object' ? (r.value as { name?: unknown }).name : undefined;
}
