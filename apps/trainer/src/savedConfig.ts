import { withVariantName } from '@scorekit/core';

/**
 * A run config as saved by any version, with every variant under `name`, the key scorekit writes: configs saved
 * before it name an energy model (`rbm`, `hopfield`, `ebm-cd`) and a network (also an energy network's inner one)
 * under `kind`, and the score model's parameterisation under `parameterisation`. Those older keys are moved to
 * `name`; a part giving both with different values is left as it is, so that validation reports it (one problem
 * naming both). Anything that is not an object is returned unchanged.
 *
 * @example
 * withCurrentKeys({ network: { kind: 'mlp', dim: 2 }, scoreModel: { parameterisation: 'eps' } });
 * // { network: { name: 'mlp', dim: 2 }, scoreModel: { name: 'eps' } }
 */
export function withCurrentKeys<T>(config: T): T {
  if (!isRecord(config)) return config;
  const top = renamed(config, ['kind']);
  const out: Record<string, unknown> = { ...top };
  if (isRecord(top.network)) out.network = networkWithName(top.network);
  if (isRecord(top.scoreModel)) out.scoreModel = renamed(top.scoreModel, ['parameterisation']);
  return out as T;
}

/** A network config with its variant (and its inner network's) under `name`; `kind` is the older key. */
export function networkWithName(network: Record<string, unknown>): Record<string, unknown> {
  const out = renamed(network, ['kind']);
  return isRecord(out.network) ? { ...out, network: renamed(out.network, ['kind']) } : out;
}

function renamed(value: Record<string, unknown>, aliases: readonly string[]): Record<string, unknown> {
  const r = withVariantName(value, aliases);
  return r.ok ? r.value : value;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v != null && typeof v === 'object' && !Array.isArray(v);
}
