import { describeOptimizerKernels } from '@deltaclip/backend/testing';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels } from '../index.js';

await tf.setBackend('wasm');
registerWasmKernels();

describeOptimizerKernels('wasm');
