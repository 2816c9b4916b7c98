import { ConfigError, type ConfigIssue } from './ConfigError.js';
import { showValue, type OptionSpec } from './optionChecks.js';
import { resolveOptions, type Resolution } from './resolveOptions.js';
import { withVariantName } from './variantName.js';

/** One registered variant: its name, its option spec, optional cross-field checks, and how to build it. */
export interface RegistryEntry<V, O extends object = Record<string, unknown>> {
  readonly name: string;
  readonly spec: OptionSpec<O>;
  /** Problems the spec cannot see alone (one option against another); every one is reported. */
  check?(options: O): readonly ConfigIssue[];
  /**
   * A resolver that checks the options itself, every problem at once, and fills in the defaults — used in place
   * of the spec pass and `check` where a variant has nested configs or its own wording (networks, objectives).
   * The spec still describes the options.
   */
  resolve?(options: Record<string, unknown>): Resolution<O>;
  create(options: O): V;
}

/** A config naming a variant: `{ name, ...options }`. */
export interface NamedConfig {
  readonly name: string;
  readonly [option: string]: unknown;
}

/**
 * A registry of named variants, all with the same parts: `names`, each entry's option `spec`, `resolve(raw)`
 * returning every problem (unknown name with the allowed names, unknown options, bad values, cross-field checks)
 * with its field path, and `create(raw)`, which throws one {@link ConfigError} with all of them.
 */
export interface Registry<V> {
  /** What the variants are (`sampler`, `SDE`, `objective`), for messages. */
  readonly kind: string;
  /** The registered names, in registration order. */
  names(): string[];
  /** The entry of a name, or undefined. */
  entry(name: string): RegistryEntry<V, Record<string, unknown>> | undefined;
  /** Checks `{ name, ...options }` and returns the name with its options, or every problem. */
  resolve(raw: unknown): Resolution<{ readonly name: string; readonly options: Record<string, unknown> }>;
  /** Builds the variant `raw` names, or throws a {@link ConfigError} listing every problem. */
  create(raw: unknown): V;
  /** Adds (or replaces) a variant. */
  register<O extends object>(entry: RegistryEntry<V, O>): void;
}

/** How a registry reads its configs. */
export interface RegistryOptions {
  /**
   * Older spellings of `name` still read, so that configs saved by earlier versions load (`kind`,
   * `parameterisation`); a config giving `name` and an alias that disagree is one problem naming both.
   */
  readonly aliases?: readonly string[];
}

/**
 * Builds a {@link Registry} from its entries.
 *
 * @example
 * const sdes = defineRegistry<Sde>('SDE', [{ name: 'vp', spec: { betaMin: positive }, create: (o) => new VpSde(o) }]);
 * sdes.create({ name: 'vp', betaMin: -1 }); // ConfigError: Invalid SDE 'vp' config: betaMin must be a number > 0; got -1
 */
export function defineRegistry<V>(kind: string, entries: readonly RegistryEntry<V, object>[], options: RegistryOptions = {}): Registry<V> {
  const aliases = options.aliases ?? [];
  const table = new Map<string, RegistryEntry<V, Record<string, unknown>>>();
  const registry: Registry<V> = {
    kind,
    names: () => [...table.keys()],
    entry: (name) => table.get(name),
    register(entry) {
      if (typeof entry?.name !== 'string' || entry.name === '') throw new Error(`${kind} registry: a variant needs a non-empty name`);
      table.set(entry.name, entry as unknown as RegistryEntry<V, Record<string, unknown>>);
    },
    resolve(given) {
      const named = withVariantName(given, aliases);
      if (!named.ok) return named;
      const raw = named.value;
      if (raw == null || typeof raw !== 'object' || Array.isArray(raw)) {
        return { ok: false, issues: [{ path: '', problem: `a ${kind} config must be an object { name, ...options }; got ${showValue(raw)}`, allowed: registry.names().join(', ') }] };
      }
      const name = (raw as { name?: unknown }).name;
      const entry = typeof name === 'string' ? table.get(name) : undefined;
      if (!entry) {
        const allowed = registry.names().join(', ');
        return { ok: false, issues: [{ path: 'name', problem: `${name == null ? 'is missing' : `${showValue(name)} is not a known ${kind}`} (allowed: ${allowed})`, allowed }] };
      }
      if (entry.resolve) {
        const { name: _, ...options } = raw as Record<string, unknown>;
        const own = entry.resolve(options);
        return own.ok ? { ok: true, value: { name: entry.name, options: own.value } } : own;
      }
      const r = resolveOptions(raw, entry.spec, ['name']);
      if (!r.ok) return r;
      const cross = entry.check?.(r.value) ?? [];
      return cross.length > 0 ? { ok: false, issues: cross } : { ok: true, value: { name: entry.name, options: r.value } };
    },
    create(raw) {
      const r = registry.resolve(raw);
      if (!r.ok) {
        const named = withVariantName(raw, aliases);
        const name = named.ok ? (named.value as { name?: unknown } | null)?.name : undefined;
        throw new ConfigError(`${kind}${typeof name === 'string' && table.has(name) ? ` '${name}'` : ''}`, r.issues);
      }
      return table.get(r.value.name)!.create(r.value.options);
    },
  };
  for (const e of entries) registry.register(e as unknown as RegistryEntry<V, Record<string, unknown>>);
  return registry;
}
