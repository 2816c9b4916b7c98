/** A guidance kind a run offers, or why it does not. */
export type Offer = { readonly available: true } | { readonly available: false; readonly reason: string };

/** What a run's noisy classifier says of itself (the server's summary of `<run>/classifier/config.json`). */
export interface RunClassifierInfo {
  readonly numClasses: number;
  readonly kind?: string;
  readonly dataShape?: readonly number[];
}

/** The guidance a run can take: the class counts both kinds check against, and each kind's offer. */
export interface GuidanceAvailability {
  /** Classes of a class-conditional run (0 otherwise). */
  readonly modelClasses: number;
  /** The run's label dropout (0 when absent). */
  readonly labelDropout: number;
  /** Classes of the run's noisy classifier (0 when it has none). */
  readonly classifierClasses: number;
  readonly classifierFree: Offer;
  readonly classifier: Offer;
}

/** The run-folder convention: the noisy classifier that guides a run lives in `<run>/classifier/`. */
export const CLASSIFIER_FOLDER = 'classifier';

/**
 * Which guidance a run can take, as `scorekit sample` would allow it: classifier-free guidance (`--cfg-scale`) needs
 * a class-conditional run trained with label dropout (the model must know the unconditional score s(x, t, ∅));
 * classifier guidance (`--classifier`) needs a noisy classifier, which the gallery looks for in `<run>/classifier/`
 * (what `scorekit train-classifier --noisy --run <run> --out <run>/classifier` writes). Each absent kind comes with
 * the reason, which the page shows. `model` comes from the run's config.json (`conditional`, `network.numClasses`,
 * `labelDropout`) in the page, from the loaded model in `drawSamples`.
 */
export function guidanceAvailability(
  run: string,
  model: { readonly modelClasses: number; readonly labelDropout: number },
  classifier: RunClassifierInfo | null,
  classifierProblem?: string,
): GuidanceAvailability {
  const { modelClasses, labelDropout } = model;
  let classifierFree: Offer = { available: true };
  if (modelClasses < 1) {
    classifierFree = { available: false, reason: 'this run is not class-conditional (it mixes a conditional model’s scores with and without the class)' };
  } else if (!(labelDropout > 0)) {
    classifierFree = {
      available: false,
      reason: 'this run was trained without label dropout ("labelDropout" is 0 or absent in its config.json), so its model never learned the unconditional score s(x, t, ∅); train with "labelDropout": 0.1–0.2',
    };
  }
  let classifierOffer: Offer = { available: true };
  if (classifierProblem != null) classifierOffer = { available: false, reason: `${run}/${CLASSIFIER_FOLDER}/: ${classifierProblem}` };
  else if (classifier == null) {
    classifierOffer = {
      available: false,
      reason: `no noisy classifier in ${run}/${CLASSIFIER_FOLDER}/ (train one: scorekit train-classifier --noisy --run runs/${run} --out runs/${run}/${CLASSIFIER_FOLDER})`,
    };
  }
  return { modelClasses, labelDropout, classifierClasses: classifierOffer.available ? classifier!.numClasses : 0, classifierFree, classifier: classifierOffer };
}
