import { defineRegistry, optionChecks, type OptionSpec, type Registry } from '@scorekit/core';
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

const { positive, integerAtLeast, openInterval, oneOf } = optionChecks;
const vpSpec: OptionSpec<VpSdeConfig> = { betaMin: positive, betaMax: positive, N: integerAtLeast(2), samplingEps: openInterval(0, 1) };
const veSpec: OptionSpec<VeSdeConfig> = { sigmaMin: positive, sigmaMax: positive, N: integerAtLeast(2), samplingEps: openInterval(0, 1) };
const ddpmSpec: OptionSpec<DdpmSdeConfig> = {
  schedule: oneOf('linear', 'cosine'),
  N: integerAtLeast(2),
  betaStart: openInterval(0, 1),
  betaEnd: openInterval(0, 1),
  cosineS: optionChecks.nonNegative,
};

// Cross-field checks, so that resolve() reports what the constructors would refuse.
const above = (lowKey: string, highKey: string, lowDefault: number, highDefault: number, orEqual = false) => (o: Record<string, unknown>) => {
  const low = (o[lowKey] as number | undefined) ?? lowDefault;
  const high = (o[highKey] as number | undefined) ?? highDefault;
  const allowed = `a number ${orEqual ? '≥' : '>'} ${lowKey} (${low})`;
  return high > low || (orEqual && high === low) ? [] : [{ path: highKey, problem: `must be ${allowed}; got ${high}`, allowed }];
};

/**
 * The SDEs as a registry of `@scorekit/core`'s one shape: `names()`, each SDE's option `spec`, `resolve({ name,
 * ...options })` returning every problem with its path and allowed values, `create`.
 *
 * @example
 * sdeRegistry.resolve({ name: 'vp', betaMin: -1, N: 1.5 }); // { ok: false, issues: [{ path: 'betaMin', … }, { path: 'N', … }] }
 */
export const sdeRegistry: Registry<Sde> = defineRegistry<Sde>('SDE', [
  { name: 'vp', spec: vpSpec, check: above('betaMin', 'betaMax', 0.1, 20), create: (c: VpSdeConfig) => new VpSde(c) },
  { name: 'subvp', spec: vpSpec as OptionSpec<SubVpSdeConfig>, check: above('betaMin', 'betaMax', 0.1, 20), create: (c: SubVpSdeConfig) => new SubVpSde(c) },
  { name: 've', spec: veSpec, check: above('sigmaMin', 'sigmaMax', 0.01, 50), create: (c: VeSdeConfig) => new VeSde(c) },
  { name: 'ddpm', spec: ddpmSpec, check: above('betaStart', 'betaEnd', 1e-4, 0.02, true), create: (c: DdpmSdeConfig) => new DdpmSde(c) },
]);

/** The names `createSde` accepts. */
export const SDE_NAMES = sdeRegistry.names() as SdeName[];

/**
 * Builds an SDE from its name and options; unknown names, unknown options and bad values are all reported in one
 * `ConfigError` (`@scorekit/core`) listing what is allowed.
 *
 * @example
 * const sde = createSde({ name: 've', sigmaMax: 20 });
 */
export function createSde(config: SdeConfig | { readonly name: string }): Sde {
  return sdeRegistry.create(config);
}
