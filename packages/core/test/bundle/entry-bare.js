// The whole of a user's deltaclip code: `import '@deltaclip/core'`, then tfjs-layers loads a
// model saved with a deltaclip optimizer.
import '@deltaclip/core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { registeredNames, reload } from './registered.js';

export async function run(saved) {
  return { registered: registeredNames(), reloaded: await reload(tfl, saved) };
}
