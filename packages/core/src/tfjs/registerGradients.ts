// tfjs-core's main entry registers no gradients and no chained Tensor methods (x.add(y)); the `@tensorflow/tfjs`
// union package did that for its users. scorekit imports tfjs-core alone (its declarations then never pull
// tfjs-layers'), so it registers both here: `#tfjs-core-gradients` is a bundle of tfjs-core's two registering
// modules in Node and those modules themselves for bundlers (package.json "imports"; scripts/bundle-tfjs-gradients.mjs).
// Registering twice (tfjs-node brings the union package) only replaces entries with equal ones.
// tfjs-core's main module is evaluated first: the first copy to load puts its Tensor class on the global object,
// and only the main module gives that class its op handler (x.clone(), x.cast() …). Were the Node bundle first,
// tensors would be of its copy's class, with no handler, and a gradient through a cast would throw.
import '@tensorflow/tfjs-core';
import '#tfjs-core-gradients';
