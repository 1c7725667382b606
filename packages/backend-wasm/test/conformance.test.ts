import { describeBackendConformance } from '@deltaclip/backend/testing';
import { wasmBackend } from '../src/index.js';

// Core's optimizer conformance on wasm, and the reference MLP (50 δ-GClip steps), conv net and
// embedding + attention model trained on wasm and on cpu with loss curves within 1e-4 relative.
await describeBackendConformance({ backend: wasmBackend });
