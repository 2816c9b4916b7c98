import type { Rng } from '@scorekit/core';
import type { Network } from './Network.js';
import { ConfigError } from '@scorekit/core';
import { Problems, show } from './internal/validate.js';
import { createEnergyNetwork, resolveEnergyConfig, type EnergyConfig } from './networks/EnergyNetwork.js';
import { createMlp, resolveMlpConfig, type MlpConfig } from './networks/MlpNetwork.js';
import { createUNet, resolveUNetConfig, type UNetConfig } from './networks/UNet.js';

/** Any network config; `kind` picks the architecture. */
export type NetworkConfig = MlpConfig | UNetConfig | EnergyConfig;

/** Options shared by every network factory. */
export interface CreateNetworkOptions {
  /** Source of the initial weights (default `new Rng(0)`). */
  readonly rng?: Rng;
}

type Factory = (config: never, options: CreateNetworkOptions) => Network;

const registry = new Map<string, Factory>([
  ['mlp', createMlp as Factory],
  ['unet', createUNet as Factory],
  ['energy', createEnergyNetwork as Factory],
]);

/** The network kinds `createNetwork` knows (including any added with {@link registerNetwork}). */
export function networkKinds(): string[] {
  return [...registry.keys()];
}

/**
 * Registers a network factory under `kind`, so configs and the CLI can name it.
 *
 * @example
 * registerNetwork('tiny', (config, options) => createMlp({ ...config, kind: 'mlp', width: 8 }, options));
 */
export function registerNetwork<C extends { kind: string }>(
  kind: string,
  factory: (config: C, options: CreateNetworkOptions) => Network,
): void {
  if (registry.has(kind)) throw new Error(`A network kind '${kind}' is already registered`);
  registry.set(kind, factory as Factory);
}

/**
 * Builds a network from its config by `kind` ('mlp', 'unet', 'energy'). An unknown kind, or an invalid config,
 * throws a {@link ConfigError} listing every problem and the allowed values. `network.config` is the resolved
 * config (all defaults filled in), which rebuilds the same architecture.
 *
 * @example
 * const net = createNetwork({ kind: 'unet', imageSize: 32, channels: 3 }, { rng: new Rng(1) });
 * const again = createNetwork(net.config); // same architecture (weights come from a checkpoint)
 */
export function createNetwork(config: NetworkConfig | { readonly kind: string }, options: CreateNetworkOptions = {}): Network {
  const kind = (config as { kind?: unknown } | null)?.kind;
  const factory = typeof kind === 'string' ? registry.get(kind) : undefined;
  if (!factory) {
    throw new ConfigError('network', [`kind must be one of ${networkKinds().map((k) => `'${k}'`).join(', ')}, got ${show(kind)}`]);
  }
  return factory(config as never, options);
}

// The built-in kinds' resolvers: they check a config without allocating any weights.
const resolvers = new Map<string, (config: unknown, problems: Problems) => object>([
  ['mlp', resolveMlpConfig],
  ['unet', resolveUNetConfig],
  ['energy', resolveEnergyConfig],
]);

/**
 * Checks a network config and fills in its defaults without building the network (no weights are allocated, so a
 * config 30 000 wide is checked as fast as one 16 wide). Throws a {@link ConfigError} listing every problem. Kinds
 * added with {@link registerNetwork} have no resolver: they are built once and freed.
 *
 * @example
 * const resolved = resolveNetworkConfig({ kind: 'mlp', dim: 2, width: 64 }); // { kind: 'mlp', depth: 3, … }
 */
export function resolveNetworkConfig(config: NetworkConfig | { readonly kind: string }): { readonly kind: string; readonly [key: string]: unknown } {
  const kind = (config as { kind?: unknown } | null)?.kind;
  const resolve = typeof kind === 'string' ? resolvers.get(kind) : undefined;
  if (resolve == null) {
    const network = createNetwork(config);
    network.dispose();
    return network.config as { readonly kind: string };
  }
  const problems = new Problems(kind as string);
  const resolved = resolve(config, problems);
  problems.throwIfAny();
  return resolved as { readonly kind: string };
}
