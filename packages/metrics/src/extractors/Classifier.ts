import type { LayersNetwork } from './LayersNetwork.js';
import type { ClassifierNetworkConfig } from './classifierNetwork.js';

/**
 * A trained scorekit classifier: its network (a tfjs LayersModel built by {@link createClassifierNetwork}), the
 * architecture it was built from and, optionally, the class names. Made by {@link trainClassifier} or
 * {@link loadClassifier}; turned into a feature extractor by {@link classifierExtractor}.
 *
 * @example
 * const clf = await loadClassifier('runs/mnist-classifier');
 * const probs = tf.softmax(clf.network.predict(images) as tf.Tensor);
 */
export interface Classifier {
  readonly network: LayersNetwork;
  readonly config: Required<ClassifierNetworkConfig>;
  readonly classNames?: readonly string[];
}
