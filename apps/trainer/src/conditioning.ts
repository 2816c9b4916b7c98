import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import { classifierFreeGuidance, classifierGuidance, inpaint, mixtureClassifier, withLabels } from '@scorekit/guidance';
import type { NoisyClassifier } from '@scorekit/guidance';
import { loadNoisyClassifier } from '@scorekit/guidance/node';
import type { StepCallback } from '@scorekit/samplers';
import type { Denoiser } from '@scorekit/sde';
import { CliError } from './errors.js';
import type { ConfigProblem } from './errors.js';
import { readPoints } from './pointArrays.js';
import type { ScoreSource } from './scoreSource.js';

/** The conditioning flags of `scorekit sample`, as commander hands them over. */
export interface ConditioningFlags {
  readonly classifier?: string;
  readonly class?: string;
  /** The older name of `--class` (class-conditional checkpoints). */
  readonly label?: string;
  readonly guidanceScale?: string;
  readonly cfgScale?: string;
  readonly inpaint?: string;
  readonly mask?: string;
  readonly score?: string;
}

/** What the conditioning flags ask for, checked before anything is loaded. */
export interface ConditioningPlan {
  /** `'analytic'` (the mixture's exact component classifier) or a folder written by `train-classifier --noisy`. */
  readonly classifier?: string;
  /** The flag the class came from (`--class` or `--label`) and its value: a class index or `'cycle'`. */
  readonly classes?: { readonly flag: string; readonly value: number | 'cycle' };
  readonly guidanceScale?: number;
  readonly cfgScale?: number;
  readonly inpaint?: { readonly values: string; readonly mask: string };
}

/**
 * Checks the conditioning flags before anything is loaded or written, every problem at once (see
 * {@link conditioningFlagProblems}), and throws them as one `CliError` list.
 *
 * @example
 * parseConditioningFlags({ classifier: 'analytic', class: '1', guidanceScale: '2', score: 'analytic:m.json' });
 */
export function parseConditioningFlags(flags: ConditioningFlags): ConditioningPlan {
  const { plan, problems } = checkConditioningFlags(flags);
  if (problems.length > 0) throw CliError.fromProblems('Invalid conditioning flags', problems);
  return plan;
}

/**
 * Every problem of the conditioning flags, found without IO: scales are numbers ≥ 0, `--guidance-scale` needs
 * `--classifier`, `--classifier`/`--cfg-scale` need `--class`, `--inpaint` and `--mask` go together,
 * `--classifier analytic` needs `--score analytic:…`. Empty when {@link parseConditioningFlags} would succeed.
 *
 * @example
 * conditioningFlagProblems({ guidanceScale: '-1' }); // [{ field: '--guidance-scale', message: 'must be a finite number ≥ 0 …' }, …]
 */
export function conditioningFlagProblems(flags: ConditioningFlags): ConfigProblem[] {
  return checkConditioningFlags(flags).problems;
}

function checkConditioningFlags(flags: ConditioningFlags): { plan: ConditioningPlan; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const scale = (flag: string, raw: string | undefined, meaning: string): number | undefined => {
    if (raw == null) return undefined;
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || v < 0) problems.push({ field: flag, message: `must be a finite number ≥ 0 (${meaning}), got '${raw}'` });
    return v;
  };
  const guidanceScale = scale('--guidance-scale', flags.guidanceScale, 'w multiplies ∇ log p(y | x); 1 is score_sde’s guidance');
  const cfgScale = scale('--cfg-scale', flags.cfgScale, '(1 + w)·s(x, y) − w·s(x); diffusers’ guidance_scale is 1 + w');
  if (flags.class != null && flags.label != null) problems.push({ field: '--class', message: 'give --class or its older name --label, not both' });
  const classFlag = flags.class != null ? '--class' : '--label';
  const classRaw = flags.class ?? flags.label;
  let classes: ConditioningPlan['classes'];
  if (classRaw != null) {
    const k = Number(classRaw);
    if (classRaw === 'cycle') classes = { flag: classFlag, value: 'cycle' };
    else if (/^\d+$/.test(classRaw.trim()) && Number.isInteger(k)) classes = { flag: classFlag, value: k };
    else problems.push({ field: classFlag, message: `must be 'cycle' or a class index 0, 1, …, got '${classRaw}'` });
  }
  if (guidanceScale !== undefined && flags.classifier == null) problems.push({ field: '--guidance-scale', message: 'needs --classifier <dir|analytic> (the classifier whose ∇ log p(y | x) it scales)' });
  if (flags.classifier != null && flags.cfgScale != null) problems.push({ field: '--classifier', message: 'give --classifier (classifier guidance) or --cfg-scale (classifier-free guidance), not both' });
  if ((flags.classifier != null || flags.cfgScale != null) && classRaw == null) problems.push({ field: flags.classifier != null ? '--classifier' : '--cfg-scale', message: 'needs --class <k|cycle> (the class to guide each sample to)' });
  if (flags.classifier === 'analytic' && !(flags.score ?? '').startsWith('analytic:')) {
    problems.push({ field: '--classifier', message: "analytic is the exact classifier of an analytic mixture: it needs --score analytic:<mixture.json> (for a checkpoint, give a folder written by 'scorekit train-classifier --noisy')" });
  }
  if ((flags.inpaint == null) !== (flags.mask == null)) problems.push({ field: '--inpaint', message: '--inpaint <values> and --mask <mask> go together (mask 1 = known, 0 = fill in)' });
  const plan: ConditioningPlan = {
    ...(flags.classifier != null ? { classifier: flags.classifier, guidanceScale: guidanceScale ?? 1 } : {}),
    ...(classes != null ? { classes } : {}),
    ...(cfgScale !== undefined ? { cfgScale } : {}),
    ...(flags.inpaint != null ? { inpaint: { values: flags.inpaint, mask: flags.mask! } } : {}),
  };
  return { plan, problems };
}

/** The request parts of one sampler call: the (guided) denoiser and the inpainting callback. */
export interface ConditionedRequest {
  readonly denoiser: Denoiser;
  readonly onStep?: StepCallback;
}

/** A loaded conditioning: per batch of sample indices, the denoiser and callback to run them with. */
export interface Conditioning {
  /** What it does, for the command's JSON line (undefined when unconditioned). */
  readonly summary?: Readonly<Record<string, unknown>>;
  /** The request parts for the samples `indices` of the run (their classes, their inpainting rows). */
  requestFor(indices: readonly number[], rng: Rng): ConditionedRequest;
  dispose(): void;
}

/**
 * Loads what the plan names and checks it against the model before any sampling: the class against the number of
 * classes, the classifier's SDE and sample shape against the model's, the inpainting values' and mask's shapes
 * against one sample's or `n` of them. Every misfit is a `CliError` (exit 2) naming what is allowed.
 *
 * @example
 * const conditioning = await openConditioning(plan, source, 64);
 * const { denoiser, onStep } = conditioning.requestFor([0, 1, 2], new Rng(1));
 */
export async function openConditioning(plan: ConditioningPlan, source: ScoreSource, n: number): Promise<Conditioning> {
  let classifier: NoisyClassifier | undefined;
  let disposeClassifier = (): void => undefined;
  if (plan.classifier === 'analytic') {
    classifier = mixtureClassifier(source.mixture!, source.sde);
  } else if (plan.classifier != null) {
    const loaded = await loadNoisyClassifier(plan.classifier, { sde: source.sde, dataShape: source.pointShape }).catch((e: unknown) => {
      throw new CliError(`--classifier ${plan.classifier}: ${(e as Error).message}`);
    });
    classifier = loaded;
    disposeClassifier = () => loaded.dispose();
  }
  try {
    let numClasses = 0;
    let classesOf = '';
    if (classifier != null) {
      numClasses = classifier.numClasses;
      classesOf = plan.classifier === 'analytic' ? 'the mixture has' : 'the classifier has';
    } else if (plan.classes != null || plan.cfgScale != null) {
      numClasses = source.numClasses;
      if (numClasses < 1) {
        const what = plan.cfgScale != null ? '--cfg-scale' : plan.classes!.flag;
        throw new CliError(`${what} needs a class-conditional model, but ${source.description} is unconditional (train it with "conditional": true and network.numClasses, or guide it with --classifier)`);
      }
      classesOf = source.mixture != null ? 'the mixture has' : 'the checkpoint has';
    }
    // Without label dropout a class-conditional checkpoint never learned its "no class" input: guidance that needs
    // the unconditional score, and sampling with no class at all, would follow an untrained score.
    if (!source.unconditionalTrained) {
      const how = 'it was trained without label dropout (train with "labelDropout": 0.1–0.2 for an unconditional score too)';
      if (plan.cfgScale != null) throw new CliError(`--cfg-scale needs the unconditional score of ${source.description}, but ${how}; give --class alone for plain conditional sampling`);
      if (classifier != null) throw new CliError(`--classifier guides the unconditional score of ${source.description}, but ${how}; give --class alone for plain conditional sampling`);
      if (plan.classes == null) throw new CliError(`${source.description} is class-conditional and has no trained unconditional score (${how}): give --class <k|cycle>`);
    }
    const classes = plan.classes;
    if (classes != null && classes.value !== 'cycle' && classes.value >= numClasses) {
      throw new CliError(`${classes.flag} must be 'cycle' or a class 0…${numClasses - 1} (${classesOf} ${numClasses} class${numClasses === 1 ? '' : 'es'}), got '${classes.value}'`);
    }
    const inpainting = plan.inpaint != null ? await readInpainting(plan.inpaint, source.pointShape, n) : undefined;
    const labelsOf = (indices: readonly number[]): number[] => indices.map((i) => (classes!.value === 'cycle' ? i % numClasses : classes!.value));
    const summary = {
      ...(classifier != null ? { classifier: plan.classifier, guidanceScale: plan.guidanceScale } : {}),
      ...(plan.cfgScale != null ? { cfgScale: plan.cfgScale } : {}),
      ...(classes != null ? { class: classes.value, classes: numClasses } : {}),
      ...(inpainting != null ? { inpaint: plan.inpaint!.values, mask: plan.inpaint!.mask } : {}),
    };
    return {
      ...(Object.keys(summary).length > 0 ? { summary } : {}),
      requestFor(indices, rng) {
        let denoiser = source.denoiser;
        if (classifier != null) denoiser = classifierGuidance(source.denoiser, classifier, { scale: plan.guidanceScale!, labels: labelsOf(indices) });
        else if (plan.cfgScale != null) denoiser = classifierFreeGuidance(source.conditional!, { scale: plan.cfgScale, labels: labelsOf(indices) });
        else if (classes != null) denoiser = withLabels(source.conditional!, labelsOf(indices));
        if (inpainting == null) return { denoiser };
        return { denoiser, onStep: inpainting.callbackFor(indices, source, rng) };
      },
      dispose() {
        inpainting?.dispose();
        disposeClassifier();
      },
    };
  } catch (e) {
    disposeClassifier();
    throw e;
  }
}


interface Inpainting {
  callbackFor(indices: readonly number[], source: ScoreSource, rng: Rng): StepCallback;
  dispose(): void;
}

// Values and mask, each one sample's shape or n of them (row i for sample i), read and checked before sampling.
async function readInpainting(files: { values: string; mask: string }, pointShape: readonly number[], n: number): Promise<Inpainting> {
  const values = await readPoints('--inpaint', files.values, pointShape);
  const mask = await readPoints('--mask', files.mask, pointShape, { as: 'mask' });
  for (const [flag, a] of [['--inpaint', values], ['--mask', mask]] as const) {
    if (a.count !== 1 && a.count !== n) {
      throw new CliError(`${flag} holds ${a.count} samples [${a.shape.join(', ')}]; give one sample [${pointShape.join(', ')}] or one per sample, [${n}, ${pointShape.join(', ')}] for --n ${n}`);
    }
  }
  const known = tf.tensor(values.values, [values.count, ...pointShape]);
  const m = tf.tensor(mask.values, [mask.count, ...pointShape]);
  const rows = (t: tf.Tensor, indices: readonly number[]): tf.Tensor =>
    tf.tidy(() => (t.shape[0] === 1 ? tf.reshape(t, [...pointShape]) : tf.gather(t, tf.tensor1d(indices as number[], 'int32'))));
  return {
    callbackFor(indices, source, rng) {
      const k = rows(known, indices);
      const mm = rows(m, indices);
      try {
        // inpaint keeps copies of its own.
        return inpaint({ sde: source.sde, known: k, mask: mm, rng, shape: [indices.length, ...pointShape] });
      } finally {
        tf.dispose([k, mm]);
      }
    },
    dispose() {
      tf.dispose([known, m]);
    },
  };
}
