/**
 * How a per-sample squared error is reduced over the data dimensions (the batch is always averaged), as score_sde
 * `losses.py` `reduce_op` does: 'sum' is ½·Σ (with the ½ of the score-matching literature, NCSN's convention),
 * 'mean' is the plain mean over dimensions (DDPM's and k-diffusion's), i.e. 2/D times 'sum'.
 */
export type Reduction = 'sum' | 'mean';
/** The reductions the objectives accept. */
export const REDUCTIONS: readonly Reduction[] = ['sum', 'mean'];
