import type { GuidanceAvailability } from './guidanceAvailability.js';

/** The guidance a request asks for: its kind, scale w and the class (one, or each in turn). */
export interface GuidanceChoice {
  readonly kind: 'classifier-free' | 'classifier';
  readonly scale: number;
  readonly label: number | 'cycle' | undefined;
}

/**
 * Everything wrong with a guidance choice for this run, as `scorekit sample` checks `--cfg-scale`, `--guidance-scale`
 * and `--class`: the kind must be offered, the scale a finite number ≥ 0, the class 'cycle' or one of the classes
 * (the model's for classifier-free guidance, the classifier's for classifier guidance). Empty when it is good; the
 * page calls it before starting the backend or loading anything.
 */
export function guidanceProblems(available: GuidanceAvailability, choice: GuidanceChoice): string[] {
  const problems: string[] = [];
  const offer = choice.kind === 'classifier-free' ? available.classifierFree : choice.kind === 'classifier' ? available.classifier : null;
  if (offer == null) return [`the guidance must be 'classifier-free' or 'classifier', got '${String(choice.kind)}'`];
  if (!offer.available) problems.push(`${choice.kind} guidance is not available: ${offer.reason}`);
  const w = choice.scale;
  if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
    const meaning = choice.kind === 'classifier-free' ? '(1 + w)·s(x, t, y) − w·s(x, t, ∅); 0 is the plain conditional model' : 's + w·∇ log p(y | x_t, t); 0 is the unguided model';
    problems.push(`the guidance scale must be a finite number ≥ 0 (${meaning}), got ${Number.isNaN(w) ? 'nothing / not a number' : String(w)}`);
  }
  const classes = choice.kind === 'classifier-free' ? available.modelClasses : available.classifierClasses;
  const k = choice.label;
  if (k == null) problems.push(`${choice.kind} guidance needs a class ('cycle' or 0…${Math.max(classes - 1, 0)})`);
  else if (offer.available && k !== 'cycle' && (!Number.isInteger(k) || k < 0 || k >= classes)) {
    const whose = choice.kind === 'classifier-free' ? 'the run has' : 'the classifier has';
    problems.push(`the class must be 'cycle' or 0…${classes - 1} (${whose} ${classes} class${classes === 1 ? '' : 'es'}), got ${String(k)}`);
  }
  return problems;
}
