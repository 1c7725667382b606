import { BackendUnavailableError } from '@deltaclip/backend';
import { describe, expect, it } from 'vitest';
import { diagnoseLoadError, notInstalled } from './diagnose-load-error.js';

/** What every node-gpu diagnosis must tell: the package, how to install, CUDA/cuDNN, the mirrors. */
function expectFullAdvice(fix: readonly string[]): void {
  const text = fix.join('\n');
  expect(text).toContain(
    'npm install @deltaclip/backend-node-gpu @tensorflow/tfjs-node-gpu@4.22.0',
  );
  expect(text).toContain('CUDA 11.2 and cuDNN 8.1');
  expect(text).toContain('TFJS_NODE_CDN_STORAGE');
  expect(text).toContain('TFJS_NODE_BASE_URI');
  expect(text).toContain('npm_config_tfjs_binding_binary_host_mirror');
}

/** An error as Node's loader throws it: a message and a long native stack. */
function loaderError(message: string): Error {
  const error = new Error(message);
  error.stack = `Error: ${message}\n    at Module._extensions..node (node:internal/modules/cjs/loader:1454:18)\n    at Module.load (node:internal/modules/cjs/loader:1208:32)`;
  return error;
}

describe('diagnoseLoadError', () => {
  it('says a missing package is not installed, with the install command, CUDA/cuDNN and mirrors', () => {
    const result = notInstalled('node-gpu');
    expect(result.reason).toBe('@tensorflow/tfjs-node-gpu is not installed');
    expect(result.fix[0]).toBe(
      'npm install @deltaclip/backend-node-gpu @tensorflow/tfjs-node-gpu@4.22.0',
    );
    expectFullAdvice(result.fix);
    expect(notInstalled('node').fix[0]).toBe(
      'npm install @deltaclip/backend-node-gpu @tensorflow/tfjs-node@4.22.0',
    );
    expect(notInstalled('node').fix.join('\n')).not.toContain('CUDA');
  });

  it("explains tfjs-node's missing native addon (its install script could not download it)", () => {
    const result = diagnoseLoadError(
      loaderError(
        "The Node.js native addon module (tfjs_binding.node) can not be found at path: /app/node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node. \nPlease run command 'npm rebuild @tensorflow/tfjs-node-gpu --build-addon-from-source' to rebuild the native addon module.",
      ),
      'node-gpu',
    );
    expect(result.reason).toBe(
      '@tensorflow/tfjs-node-gpu is installed but its native addon (tfjs_binding.node) is missing: its install script could not download or build it',
    );
    expect(result.fix[0]).toContain('npm rebuild @tensorflow/tfjs-node-gpu');
    expectFullAdvice(result.fix);
  });

  it('names the CUDA library that failed and the CUDA/cuDNN versions to install', () => {
    const result = diagnoseLoadError(
      loaderError('libcudart.so.11.0: cannot open shared object file: No such file or directory'),
      'node-gpu',
    );
    expect(result.reason).toBe(
      '@tensorflow/tfjs-node-gpu could not load the CUDA library libcudart.so.11.0: CUDA 11.2 and cuDNN 8.1 are missing or not on the library path',
    );
    expect(result.fix[0]).toContain('LD_LIBRARY_PATH');
    expect(result.fix[1]).toBe(
      'or train on the CPU with the node backend: npm install @tensorflow/tfjs-node@4.22.0',
    );
    expectFullAdvice(result.fix);
    expect(
      diagnoseLoadError(loaderError('libcudnn.so.8: cannot open shared object file'), 'node-gpu')
        .reason,
    ).toContain('libcudnn.so.8');
  });

  it('recognizes a missing libtensorflow and a C library that is too old', () => {
    const missing = diagnoseLoadError(
      loaderError('libtensorflow.so.2: cannot open shared object file: No such file or directory'),
      'node-gpu',
    );
    expect(missing.reason).toBe(
      '@tensorflow/tfjs-node-gpu is installed but libtensorflow 2.9.1 is missing (libtensorflow.so.2: cannot open shared object file: No such file or directory): the install-time download failed',
    );
    expectFullAdvice(missing.fix);
    const old = diagnoseLoadError(
      loaderError(
        "/lib/x86_64-linux-gnu/libm.so.6: version `GLIBC_2.29' not found (required by /app/libtensorflow.so.2)",
      ),
      'node-gpu',
    );
    expect(old.reason).toMatch(
      /^the prebuilt libtensorflow 2\.9\.1 needs a newer C\/C\+\+ runtime/,
    );
    expectFullAdvice(old.fix);
  });

  it('keeps only the first line of anything else, and never a stack trace', () => {
    const result = diagnoseLoadError(
      loaderError('something odd happened\nsecond line'),
      'node-gpu',
    );
    expect(result.reason).toBe('@tensorflow/tfjs-node-gpu failed to load: something odd happened');
    expectFullAdvice(result.fix);
    const error = new BackendUnavailableError('node-gpu', result.reason, result.fix);
    expect(error.message).not.toMatch(/\n\s+at /);
    expect(error.message).not.toContain('second line');
  });

  it('names a missing dependency of tfjs-node', () => {
    const result = diagnoseLoadError(
      loaderError(
        "Cannot find module '@mapbox/node-pre-gyp'\nRequire stack:\n- /app/node_modules/@tensorflow/tfjs-node/dist/index.js",
      ),
      'node',
    );
    expect(result.reason).toBe(
      '@tensorflow/tfjs-node failed to load: its dependency @mapbox/node-pre-gyp is missing',
    );
  });
});
