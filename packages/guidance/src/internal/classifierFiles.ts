/** The files of a saved noisy classifier's folder. */
export const NOISY_CLASSIFIER_FILES = { config: 'config.json', weights: 'weights.safetensors' } as const;
export const NOISY_CLASSIFIER_FORMAT = 'scorekit-noisy-classifier';
export const NOISY_CLASSIFIER_VERSION = 1;
