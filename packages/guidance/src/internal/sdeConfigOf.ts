import { createSde, type Sde, type SdeConfig } from '@scorekit/sde';
import { sdeDifference } from './sdeDifference.js';

const FIELDS: Record<string, readonly string[]> = {
  vp: ['betaMin', 'betaMax', 'N', 'samplingEps'],
  subvp: ['betaMin', 'betaMax', 'N', 'samplingEps'],
  ve: ['sigmaMin', 'sigmaMax', 'N', 'samplingEps'],
  ddpm: ['schedule', 'N', 'betaStart', 'betaEnd', 'cosineS'],
};

/**
 * The config `{ name, ... }` that rebuilds an SDE instance, read from its public fields and checked by rebuilding
 * it (so a saved classifier names its SDE in JSON).
 */
export function sdeConfigOf(sde: Sde): SdeConfig {
  const fields = FIELDS[sde.name];
  if (!fields) throw new Error(`cannot describe SDE '${sde.name}' as a config; give its config { name, ... } instead`);
  const config: Record<string, unknown> = { name: sde.name };
  for (const f of fields) {
    const v = (sde as unknown as Record<string, unknown>)[f];
    if (typeof v === 'number' || typeof v === 'string') config[f] = v;
  }
  const differs = sdeDifference(createSde(config as unknown as SdeConfig), sde);
  if (differs) throw new Error(`cannot describe this ${sde.name} SDE as a config (${differs}); give its config { name, ... } instead`);
  return config as unknown as SdeConfig;
}
