// tfjs-core's Node entry registers no gradients and no chained ops; the union package's Node
// entry registers both against the same tfjs-core instance. The race trains with minimize().
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
