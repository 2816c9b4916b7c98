import type { Sde, SdeName } from './Sde.js';
import { DdpmSde, type DdpmSdeConfig } from './sdes/DdpmSde.js';
import { SubVpSde, type SubVpSdeConfig } from './sdes/SubVpSde.js';
import { VeSde, type VeSdeConfig } from './sdes/VeSde.js';
import { VpSde, type VpSdeConfig } from './sdes/VpSde.js';

/** An SDE named with its options: what configs and the CLI hold. */
export type SdeConfig =
  | ({ readonly name: 'vp' } & VpSdeConfig)
  | ({ readonly name: 'subvp' } & SubVpSdeConfig)
  | ({ readonly name: 've' } & VeSdeConfig)
  | ({ readonly name: 'ddpm' } & DdpmSdeConfig);

const registry: Record<SdeName, { create: (config: object) => Sde; options: readonly string[] }> = {
  vp: { create: (c) => new VpSde(c), options: ['betaMin', 'betaMax', 'N', 'samplingEps'] },
  subvp: { create: (c) => new SubVpSde(c), options: ['betaMin', 'betaMax', 'N', 'samplingEps'] },
  ve: { create: (c) => new VeSde(c), options: ['sigmaMin', 'sigmaMax', 'N', 'samplingEps'] },
  ddpm: { create: (c) => new DdpmSde(c), options: ['schedule', 'N', 'betaStart', 'betaEnd', 'cosineS'] },
};

/** The names `createSde` accepts. */
export const SDE_NAMES = Object.keys(registry) as SdeName[];

/**
 * Builds an SDE from its name and options, rejecting unknown names and unknown options with a message that lists
 * what is allowed.
 *
 * @example
 * const sde = createSde({ name: 've', sigmaMax: 20 });
 */
export function createSde(config: SdeConfig | { readonly name: string }): Sde {
  const entry = registry[config?.name as SdeName];
  if (!entry) throw new Error(`Unknown SDE '${config?.name}'. Allowed: ${SDE_NAMES.join(', ')}`);
  const unknown = Object.keys(config).filter((k) => k !== 'name' && !entry.options.includes(k));
  if (unknown.length > 0) {
    throw new Error(`SDE '${config.name}': unknown option(s) ${unknown.join(', ')}. Allowed: ${entry.options.join(', ')}`);
  }
  return entry.create(config);
}
