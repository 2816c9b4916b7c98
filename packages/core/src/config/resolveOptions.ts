import { ConfigError, type ConfigIssue } from './ConfigError.js';
import { showValue, type OptionCheck, type OptionSpec } from './optionChecks.js';

/** What resolving a config gives: the value, or every problem found. */
export type Resolution<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/**
 * Checks raw options against a spec and returns every problem at once — unknown names (with the allowed names) and
 * invalid values (with what each allows) — or the options with undefined entries dropped. `skip` names keys
 * checked elsewhere (the `name` of a registry config).
 *
 * @example
 * const r = resolveOptions({ steps: 0, tpyo: 1 }, { steps: integerAtLeast(1) });
 * // { ok: false, issues: [{ path: 'steps', problem: 'must be an integer ≥ 1; got 0', … }, { path: 'tpyo', problem: 'is not an option', allowed: 'steps' }] }
 */
export function resolveOptions<T extends object>(raw: unknown, spec: OptionSpec<T>, skip: readonly string[] = []): Resolution<T> {
  if (raw == null) return { ok: true, value: {} as T };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, issues: [{ path: '', problem: `options must be an object; got ${showValue(raw)}`, allowed: 'an object' }] };
  }
  const issues: ConfigIssue[] = [];
  const names = Object.keys(spec);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || skip.includes(key)) continue;
    const check = (spec as Record<string, OptionCheck | undefined>)[key];
    if (!check || !Object.hasOwn(spec, key)) issues.push({ path: key, problem: `is not an option (allowed: ${names.join(', ')})`, allowed: names.join(', ') });
    else if (!check.ok(value)) issues.push({ path: key, problem: `must be ${check.allowed}; got ${showValue(value)}`, allowed: check.allowed });
    else out[key] = value;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: out as T };
}

/**
 * {@link resolveOptions} that throws one {@link ConfigError} naming every problem (`where` says what was being
 * configured, e.g. `Sampler 'ddim'`).
 *
 * @example
 * const o = readOptions("Sampler 'ddim'", options, { steps: integerAtLeast(1), eta: nonNegative });
 */
export function readOptions<T extends object>(where: string, raw: unknown, spec: OptionSpec<T>, skip: readonly string[] = []): T {
  const r = resolveOptions(raw, spec, skip);
  if (!r.ok) throw new ConfigError(where, r.issues, `${where}: invalid options`);
  return r.value;
}

/**
 * Runs a resolver that throws a {@link ConfigError} and returns its result or its issues, so a resolver written to
 * throw can serve a registry's non-throwing `resolve` (other errors pass through).
 *
 * @example
 * const r = resolutionOf(() => resolveEdmOptions({ pStd: -1 })); // { ok: false, issues: [{ path: 'edm.pStd', … }] }
 */
export function resolutionOf<T>(resolve: () => T): Resolution<T> {
  try {
    return { ok: true, value: resolve() };
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, issues: e.issues };
    throw e;
  }
}
