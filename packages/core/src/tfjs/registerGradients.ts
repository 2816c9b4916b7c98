// tfjs-core's main entry registers no gradients and no chained Tensor methods (x.add(y)); the `@tensorflow/tfjs`
// union package did that for its users. scorekit imports tfjs-core alone (its declarations then never pull
// tfjs-layers'), so it registers both here: `#tfjs-core-gradients` is a bundle of tfjs-core's two registering
// modules in Node and those modules themselves for bundlers (package.json "imports"; scripts/bundle-tfjs-gradients.mjs).
// Registering twice (tfjs-node brings the union package) only replaces entries with equal ones.
import '#tfjs-core-gradients';
