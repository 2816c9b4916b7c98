import type { Denoiser, DenoiserCallOptions } from '@scorekit/sde';

/** What an objective hands the model on every call: training mode, the dropout `rng`, the batch's labels. */
export type ModelCallOptions = DenoiserCallOptions;

/**
 * The time-conditioned objectives (NCSN, DDPM, continuous-time DSM, EDM) train a {@link Denoiser} from
 * `@scorekit/sde`: its SDE, and `predict(x, t, options)` whose prediction each objective reads in the
 * parameterisation its formula is written in (`.eps`, `.x0`, `.score`).
 *
 * @deprecated Use `Denoiser` from `@scorekit/sde`; this alias stays for one release.
 */
export type DenoiserModel = Denoiser;
