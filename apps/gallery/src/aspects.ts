/**
 * The aspects a human judges each pair on, after the course's per-aspect preference table: fidelity to the class,
 * aesthetics, defects (which shows fewer), and the overall preference.
 */
export const ASPECTS = ['fidelity', 'aesthetics', 'defects', 'overall'] as const;
export type Aspect = (typeof ASPECTS)[number];

/** A judgement of one aspect: the left or right sample is better, or neither. */
export const CHOICES = ['left', 'right', 'tie'] as const;
export type Choice = (typeof CHOICES)[number];
