import type { RunHistory } from '../history.js';
import type { ResumeState, RunSpec } from '../run.js';
import { loadCheckpoint } from './checkpoint.js';

/** Read a run's latest checkpoint (or a checkpoint folder): its spec and the state to resume from. */
export function readResumeState(path: string): {
  spec: RunSpec;
  resume: ResumeState;
  checkpoint: string;
} {
  const loaded = loadCheckpoint<RunSpec, RunHistory>(path);
  return {
    spec: loaded.header.run,
    checkpoint: loaded.path,
    resume: {
      position: loaded.header.position,
      history: loaded.header.history,
      tensors: loaded.tensors,
    },
  };
}
