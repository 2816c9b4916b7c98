import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { ApplyOptions, Network } from '../Network.js';
import { Problems, namedRecord, show, withName } from '../internal/validate.js';
import { createMlp, resolveMlpConfig, type MlpConfig, type ResolvedMlpConfig } from './MlpNetwork.js';
import { createUNet, resolveUNetConfig, type ResolvedUNetConfig, type UNetConfig } from './UNet.js';

/**
 * How the energy is read off the inner network f: 'scalar' E = f(x, c) (f must output one number per sample, e.g.
 * an MLP with outputDim 1); 'quadratic' E = ½‖x − f(x, c)‖² (f shaped like x, as a U-Net; Salimans & Ho 2021,
 * "Should EBMs model the energy or the score?").
 */
export type EnergyForm = 'scalar' | 'quadratic';

/** Options of {@link createEnergyNetwork}. */
export interface EnergyConfig {
  /** The variant (`kind`, its older spelling, is still read from saved configs). */
  readonly name: 'energy';
  /** The inner network computing the energy. */
  readonly network: MlpConfig | UNetConfig;
  /** Default 'scalar' for an MLP with outputDim 1, else 'quadratic'. */
  readonly form?: EnergyForm;
}

export interface ResolvedEnergyConfig {
  readonly name: 'energy';
  readonly network: ResolvedMlpConfig | ResolvedUNetConfig;
  readonly form: EnergyForm;
}

/** Resolves defaults and collects every problem of an energy config into `problems`. */
export function resolveEnergyConfig(config: unknown, problems = new Problems('energy')): ResolvedEnergyConfig {
  const c = namedRecord('energy', config, problems);
  problems.unknownKeys(c, ['name', 'network', 'form']);
  // `name` names the inner network's variant too (`kind`, the older key, still read).
  const inner = withName(c.network) as { name?: unknown } | undefined;
  let network: ResolvedMlpConfig | ResolvedUNetConfig;
  if (inner?.name === 'mlp') network = resolveMlpConfig(inner, new ProblemsInto(problems, 'energy.network(mlp)'));
  else if (inner?.name === 'unet') network = resolveUNetConfig(inner, new ProblemsInto(problems, 'energy.network(unet)'));
  else {
    problems.issue('network', `must be an 'mlp' or 'unet' network config, got ${show(inner)}`, "an 'mlp' or 'unet' network config");
    network = resolveMlpConfig({ name: 'mlp', dim: 2, outputDim: 1 });
  }
  const scalarCapable = network.name === 'mlp' && network.outputDim === 1;
  const form = problems.oneOf(c, 'form', scalarCapable ? 'scalar' : 'quadratic', ['scalar', 'quadratic'] as const);
  if (form === 'scalar' && !scalarCapable) {
    problems.issue('form', `'scalar' needs an inner network with one output per sample (an mlp with outputDim 1)`, "'quadratic' for this inner network");
  }
  if (form === 'quadratic' && network.name === 'mlp' && network.outputDim !== network.dim) {
    problems.issue('form', `'quadratic' needs an inner network shaped like its input (mlp outputDim = dim = ${network.dim})`, "'scalar' for this inner network");
  }
  return { name: 'energy', network, form };
}

/** Routes an inner config's problems into the outer collector, with the inner path as prefix. */
class ProblemsInto extends Problems {
  constructor(
    private readonly outer: Problems,
    where: string,
  ) {
    super(where);
  }
  override issue(path: string, problem: string, allowed?: string): void {
    this.outer.issue(path === '' ? 'network' : `network.${path}`, problem, allowed);
  }
}

/** An energy-based score network (see {@link createEnergyNetwork}). */
export interface EnergyNetwork extends Network {
  readonly kind: 'energy';
  readonly config: ResolvedEnergyConfig;
  /** The inner network. */
  readonly inner: Network;
  /** The energy E(x, c) per sample ([n]). */
  energy(x: tf.Tensor, cNoise: tf.Tensor, options?: ApplyOptions): tf.Tensor;
}

/**
 * An energy-based score model: an inner network defines a scalar energy E(x, c) per sample, and `apply` returns its
 * negative input gradient −∇ₓE(x, c) — shaped like x — so the output is a conservative field and, read as a score,
 * s = −∇ₓE. The gradient is taken with `tf.grad` of the summed energy (samples do not interact, so that is the
 * per-sample gradient), inside whatever tape is active, so objectives can differentiate it again with respect to
 * the parameters: the model trains with the same objectives as any other.
 *
 * @example
 * const ebm = createEnergyNetwork({ name: 'energy', network: { name: 'mlp', dim: 2, outputDim: 1 } });
 * const s = ebm.apply(x, cNoise);   // −∇ₓE, [n, 2]
 * const e = ebm.energy(x, cNoise);  // [n]
 */
export function createEnergyNetwork(config: EnergyConfig, options: { rng?: Rng } = {}): EnergyNetwork {
  const problems = new Problems('energy');
  const cfg = resolveEnergyConfig(config, problems);
  problems.throwIfAny();
  const inner: Network =
    cfg.network.name === 'mlp' ? createMlp(cfg.network, options) : createUNet(cfg.network as UNetConfig, options);
  const energy = (x: tf.Tensor, cNoise: tf.Tensor, opts: ApplyOptions = {}): tf.Tensor =>
    tf.tidy(() => {
      const f = inner.apply(x, cNoise, opts);
      if (cfg.form === 'scalar') return tf.reshape(f, [x.shape[0]]);
      const axes = x.shape.slice(1).map((_, i) => i + 1);
      return tf.mul(tf.sum(tf.square(tf.sub(x, f)), axes), 0.5);
    });
  return {
    kind: 'energy',
    config: cfg,
    inner,
    inputShape: inner.inputShape,
    outputShape: inner.inputShape,
    variables: inner.variables,
    parameterCount: inner.parameterCount,
    numClasses: inner.numClasses,
    energy,
    apply(x: tf.Tensor, cNoise: tf.Tensor, opts: ApplyOptions = {}): tf.Tensor {
      // Dropout would make E(x) random; its mask must be the same for every x the gradient sees, which it is:
      // the mask is drawn once per call inside the single forward pass below.
      return tf.tidy(() => tf.neg(tf.grad((xx: tf.Tensor) => tf.sum(energy(xx, cNoise, opts)))(x)));
    },
    trainableVariables: () => inner.trainableVariables(),
    dispose: () => inner.dispose(),
  };
}
