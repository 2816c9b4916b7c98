import { ConfigError, defineRegistry, optionChecks, resolutionOf, variantNameOf, withVariantName, type OptionCheck, type Registry, type RegistryEntry, type Rng } from '@scorekit/core';
import type { Network } from './Network.js';
import { NETWORK_NAME_ALIASES, Problems, show } from './internal/validate.js';
import { createEnergyNetwork, resolveEnergyConfig, type EnergyConfig } from './networks/EnergyNetwork.js';
import { createMlp, resolveMlpConfig, type MlpConfig } from './networks/MlpNetwork.js';
import { createUNet, resolveUNetConfig, type UNetConfig } from './networks/UNet.js';

/** Any network config; `name` picks the architecture (`kind`, its older spelling, is still read from saved configs). */
export type NetworkConfig = MlpConfig | UNetConfig | EnergyConfig;

/** A network config of any registered variant, keyed by `name` as every scorekit config: `{ name: 'mlp', dim: 2 }`. */
export type NamedNetworkConfig = { readonly name: string } & { readonly [option: string]: unknown };

/** A network config saved before `name`: its variant under `kind` (deprecated; still read). */
export type LegacyNetworkConfig = { readonly kind: string } & { readonly [option: string]: unknown };

/** Options shared by every network factory. */
export interface CreateNetworkOptions {
  /** Source of the initial weights (default `new Rng(0)`). */
  readonly rng?: Rng;
}

type Factory = (config: never, options: CreateNetworkOptions) => Network;

/** A network resolved from its config, waiting for its initial weights' source. */
export type NetworkBuilder = (options?: CreateNetworkOptions) => Network;

const { integerAtLeast, positive, boolean, oneOf } = optionChecks;
const integers = (min: number, minLength: number): OptionCheck => ({
  allowed: `an array of at least ${minLength} integer(s) ≥ ${min}`,
  ok: (v) => Array.isArray(v) && v.length >= minLength && v.every((e) => Number.isInteger(e) && e >= min),
});
const networkConfig: OptionCheck = {
  allowed: "an 'mlp' or 'unet' network config",
  ok: (v) => typeof v === 'object' && v != null && ['mlp', 'unet'].includes(String(variantNameOf(v, NETWORK_NAME_ALIASES))),
};
// What each built-in network's options allow (for help and editors); its resolver checks a config against it,
// every problem at once, and fills in the defaults.
const MLP_SPEC = {
  dim: integerAtLeast(1),
  width: integerAtLeast(1),
  depth: integerAtLeast(1),
  embedding: oneOf('sinusoidal', 'fourier'),
  embeddingDim: { allowed: 'an even integer ≥ 4', ok: (v: unknown) => Number.isInteger(v) && (v as number) >= 4 && (v as number) % 2 === 0 },
  fourierScale: positive,
  activation: oneOf('silu', 'softplus', 'tanh'),
  outputDim: integerAtLeast(1),
  numClasses: integerAtLeast(0),
} satisfies Record<string, OptionCheck>;
const UNET_SPEC = {
  imageSize: {
    allowed: 'an integer or [height, width] of integers ≥ 1',
    ok: (v: unknown) => (Number.isInteger(v) && (v as number) >= 1) || (Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d) && d >= 1)),
  },
  channels: integerAtLeast(1),
  nf: { allowed: 'an even integer ≥ 2', ok: (v: unknown) => Number.isInteger(v) && (v as number) >= 2 && (v as number) % 2 === 0 },
  chMult: integers(1, 1),
  numResBlocks: integerAtLeast(1),
  attnResolutions: integers(1, 0),
  dropout: { allowed: 'a number in [0, 1)', ok: (v: unknown) => typeof v === 'number' && v >= 0 && v < 1 },
  numClasses: integerAtLeast(0),
  skipRescale: boolean,
  embedding: oneOf('sinusoidal', 'fourier'),
  fourierScale: positive,
} satisfies Record<string, OptionCheck>;
const ENERGY_SPEC = { network: networkConfig, form: oneOf('scalar', 'quadratic') } satisfies Record<string, OptionCheck>;

// The built-in networks' resolvers: they check a config without allocating any weights.
const builtIn = (
  name: string,
  spec: Record<string, OptionCheck>,
  resolve: (config: unknown, problems: Problems) => object,
  factory: Factory,
): RegistryEntry<NetworkBuilder, Record<string, unknown>> => ({
  name,
  spec,
  resolve: (options) =>
    resolutionOf(() => {
      const problems = new Problems(name);
      const resolved = resolve({ name, ...options }, problems);
      problems.throwIfAny();
      return resolved as Record<string, unknown>;
    }),
  create: (resolved) => (options = {}) => factory(resolved as never, options),
});

/**
 * The networks as a registry of `@scorekit/core`'s one shape: `names()`, each network's option `spec`,
 * `resolve({ name, ...options })` returning every problem with its field path and the allowed values (or the
 * config with every default filled in, no weights allocated), and `create`, which gives a builder taking the
 * weights' `rng`. `name` names the network, as in every registry (and resolved configs carry it); `kind` is read as
 * a deprecated alias, since run folders and checkpoints written before hold it.
 *
 * @example
 * networkRegistry.resolve({ name: 'mlp', dim: 0, width: -1, depth: 1.5 }); // { ok: false, issues: [3 issues: mlp.dim, mlp.width, mlp.depth] }
 * const net = networkRegistry.create({ name: 'unet', imageSize: 28 })({ rng: new Rng(1) });
 */
export const networkRegistry: Registry<NetworkBuilder> = defineRegistry<NetworkBuilder>('network', [
  builtIn('mlp', MLP_SPEC, resolveMlpConfig, createMlp as Factory),
  builtIn('unet', UNET_SPEC, resolveUNetConfig, createUNet as Factory),
  builtIn('energy', ENERGY_SPEC, resolveEnergyConfig, createEnergyNetwork as Factory),
], { aliases: NETWORK_NAME_ALIASES });

/** The network kinds `createNetwork` knows (including any added with {@link registerNetwork}). */
export function networkKinds(): string[] {
  return networkRegistry.names();
}

/**
 * Registers a network factory under `name` (what configs give as theirs), so configs and the CLI can name it. It has
 * no resolver of its own: its options are handed to the factory as they are, under `name`
 * (`resolveNetworkConfig` builds it once and frees it).
 *
 * @example
 * registerNetwork('tiny', (config, options) => createMlp({ ...config, name: 'mlp', width: 8 }, options));
 */
export function registerNetwork<C extends { name: string }>(
  name: string,
  factory: (config: C, options: CreateNetworkOptions) => Network,
): void {
  if (networkRegistry.entry(name)) throw new Error(`A network '${name}' is already registered`);
  unresolvedKinds.add(name);
  networkRegistry.register<Record<string, unknown>>({
    name,
    spec: {},
    resolve: (options) => ({ ok: true, value: { name, ...options } }),
    create: (config) => (options = {}) => factory(config as C, options),
  });
}

/**
 * Builds a network from its config, named by `name` ('mlp', 'unet', 'energy'; `kind`, the older key, is still
 * read). An unknown name, or an invalid config, throws a {@link ConfigError} listing every problem and the allowed
 * values. `network.config` is the resolved config (all defaults filled in), which rebuilds the same architecture.
 *
 * @example
 * const net = createNetwork({ name: 'unet', imageSize: 32, channels: 3 }, { rng: new Rng(1) });
 * const again = createNetwork(net.config); // same architecture (weights come from a checkpoint)
 */
export function createNetwork(config: NetworkConfig | NamedNetworkConfig | LegacyNetworkConfig, options: CreateNetworkOptions = {}): Network {
  return resolveEntry(config).create(options);
}

/**
 * Checks a network config and fills in its defaults without building the network (no weights are allocated, so a
 * config 30 000 wide is checked as fast as one 16 wide). Throws a {@link ConfigError} listing every problem. Kinds
 * added with {@link registerNetwork} have no resolver: they are built once and freed.
 *
 * @example
 * const resolved = resolveNetworkConfig({ name: 'mlp', dim: 2, width: 64 }); // { name: 'mlp', depth: 3, … }
 */
export function resolveNetworkConfig(config: NetworkConfig | NamedNetworkConfig | LegacyNetworkConfig): { readonly name: string; readonly [key: string]: unknown } {
  const { resolved, create } = resolveEntry(config);
  if (resolved != null) return resolved as { readonly name: string };
  const network = create({});
  network.dispose();
  return network.config as { readonly name: string };
}

// Kinds added with registerNetwork: their options go to the factory unresolved.
const unresolvedKinds = new Set<string>();

// One path for both: the variant's name (`name`, or `kind`), the registry's resolve, one ConfigError.
function resolveEntry(config: unknown): { resolved: object | null; create: NetworkBuilder } {
  const named = withVariantName(config, NETWORK_NAME_ALIASES);
  if (!named.ok) throw new ConfigError('network', named.issues);
  const name = (named.value as { name?: unknown } | null)?.name;
  const entry = typeof name === 'string' ? networkRegistry.entry(name) : undefined;
  if (entry == null) {
    // The path is the key the config used: `kind` in older configs, `name` otherwise.
    const key = (config as { name?: unknown } | null)?.name === undefined && (config as { kind?: unknown } | null)?.kind !== undefined ? 'kind' : 'name';
    const allowed = networkKinds().map((k) => `'${k}'`).join(', ');
    throw new ConfigError('network', [{ path: key, problem: `must be one of ${allowed}, got ${show(name)}`, allowed: `one of ${allowed}` }]);
  }
  const r = networkRegistry.resolve(named.value);
  if (!r.ok) throw new ConfigError(name as string, r.issues);
  return { resolved: unresolvedKinds.has(name as string) ? null : r.value.options, create: entry.create(r.value.options) };
}
