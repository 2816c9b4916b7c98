import { variantNameOf } from '@scorekit/core';
import { isRecord, type JsonRecord } from './internal/json.js';

/** The energy models `scorekit train` writes run folders for (config.json's `name`; `kind` in older ones). */
export const ENERGY_RUN_KINDS = ['rbm', 'hopfield', 'ebm-cd'] as const;

/**
 * How the runs list describes an energy-model run (an RBM, a Hopfield network or a deep EBM trained by CD, written
 * by `scorekit train` with a `name`, or `kind` before), or null for a score-model run. Energy runs have no network/SDE/objective
 * fields: the model comes from the kind and its sizes, the "objective" is the training rule, and there is no SDE.
 *
 * @example
 * describeEnergyRun({ name: 'rbm', hiddenUnits: 500, k: 1, persistent: false, dataset: { name: 'mnist' } });
 * // { model: 'rbm 500 hidden', sde: 'no', objective: 'CD-1', kind: 'images' }
 */
export function describeEnergyRun(config: JsonRecord): { model: string; sde: string; objective: string; kind: 'points' | 'images' } | null {
  const kind = variantNameOf(config, ['kind']);
  if (typeof kind !== 'string' || !(ENERGY_RUN_KINDS as readonly string[]).includes(kind)) return null;
  if (kind === 'rbm') {
    return { model: `rbm ${String(config.hiddenUnits ?? '?')} hidden`, sde: 'no', objective: `${config.persistent === true ? 'PCD' : 'CD'}-${String(config.k ?? 1)}`, kind: 'images' };
  }
  if (kind === 'hopfield') return { model: `hopfield ${String(config.units ?? 'binary')}`, sde: 'no', objective: 'Hebbian storage', kind: 'images' };
  const net = isRecord(config.network) ? config.network : {};
  const langevin = isRecord(config.langevin) ? config.langevin : {};
  return { model: `energy mlp ${String(net.width ?? '?')}×${String(net.depth ?? '?')}`, sde: 'no', objective: `CD, Langevin K=${String(langevin.steps ?? '?')} + replay buffer`, kind: 'points' };
}
