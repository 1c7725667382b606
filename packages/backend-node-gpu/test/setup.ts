// tfjs-core's Node entry registers no gradients; the union package's Node entry does.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
