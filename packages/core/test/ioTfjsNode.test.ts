// When tfjs-node is loaded it registers a 'tensorflow' backend and its own file:// router; ours must then step
// aside, or tfjs finds two handlers and model.save('file://…') fails ("more than one save handler"). tfjs-node
// cannot be installed here, so this file registers stand-ins for both, as tfjs-node's index.ts does. (Its own
// file, because routers cannot be unregistered.)
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect, it } from 'vitest';
import '../src/node.js';

it('our file:// router gives way to tfjs-node when tfjs-node is loaded', async () => {
  const ours = tf.io.getSaveHandlers('file:///tmp/scorekit-x');
  expect(ours).toHaveLength(1);

  const saved: string[] = [];
  const nodeHandler: tf.io.IOHandler = {
    save: async (artifacts) => {
      saved.push(String(artifacts.format));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  };
  const nodeRouter = (url: string | string[]) => (typeof url === 'string' && url.startsWith('file://') ? nodeHandler : null);
  tf.registerBackend('tensorflow', () => {
    throw new Error('stand-in for tfjs-node: never initialised in this test');
  });
  tf.io.registerSaveRouter(nodeRouter as Parameters<typeof tf.io.registerSaveRouter>[0]);
  tf.io.registerLoadRouter(nodeRouter as Parameters<typeof tf.io.registerLoadRouter>[0]);

  const handlers = tf.io.getSaveHandlers('file:///tmp/scorekit-x');
  expect(handlers).toEqual([nodeHandler]);
  expect(tf.io.getLoadHandlers('file:///tmp/scorekit-x/model.json')).toEqual([nodeHandler]);

  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
  await model.save('file:///tmp/scorekit-x');
  expect(saved).toEqual(['layers-model']);
  model.dispose();
  tf.removeBackend('tensorflow');
});
