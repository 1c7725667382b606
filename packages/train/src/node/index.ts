/**
 * @deltaclip/train/node — the Node-only parts: checkpoints on disk (atomic), the checkpointer and
 * JSONL log callbacks, resuming from a checkpoint, and the loader for file datasets.
 */
export {
  cleanStaleTemporaries,
  type LoadedCheckpoint,
  loadCheckpoint,
  type SaveCheckpointOptions,
  saveCheckpoint,
} from './checkpoint.js';
export { type CheckpointerOptions, checkpointer, collectTensors } from './checkpointer.js';
export { jsonlLog } from './jsonl-log.js';
export { dataPathOptions, loadDatasetNode } from './loader.js';
export { ResumeMismatchError, readResumeState, resumeSpec } from './resume.js';
export { acquireRunLock, LOCK_FILE, type RunLock, RunLockedError } from './run-lock.js';
