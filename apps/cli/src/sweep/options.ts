/**
 * The options of the sweep machinery that `sweep`, `compare` and `reproduce` share: where the runs
 * go (a local pool or a BullMQ queue), how a queued run is retried, what Ctrl-C does, and the
 * calibration behind the plan's time estimate.
 */
import type { OptionDef } from '../args.js';
import { integerAtLeast, oneOf } from '../option-schemas.js';

export const QUEUE_OPTION: OptionDef = {
  name: 'queue',
  type: 'string',
  valueName: 'url',
  description:
    'the Redis of the sweep queue: redis://[user:password@]host:port[/db], rediss:// for TLS',
};

export const INTERRUPT_CHOICES = ['ask', 'cancel', 'leave'] as const;

export const ATTEMPTS_OPTION: OptionDef = {
  name: 'attempts',
  type: 'integer',
  valueName: 'n',
  default: 3,
  description: 'with --queue: times a run that crashes is started before it counts as failed',
  schema: integerAtLeast(1),
};

export const ON_INTERRUPT_OPTION: OptionDef = {
  name: 'on-interrupt',
  type: 'string',
  valueName: 'what',
  default: 'ask',
  description:
    "with --queue, on Ctrl-C: 'cancel' the remaining runs, 'leave' them queued, or 'ask' (on a terminal; elsewhere it cancels)",
  schema: oneOf(INTERRUPT_CHOICES),
  choices: INTERRUPT_CHOICES,
};

export const CALIBRATE_STEPS_OPTION: OptionDef = {
  name: 'calibrate-steps',
  type: 'integer',
  valueName: 'n',
  default: 5,
  description: "steps of the first run timed for the plan's estimate (0: no estimate)",
  schema: integerAtLeast(0),
};

export const REDIS_TIMEOUT_OPTION: OptionDef = {
  name: 'redis-timeout',
  type: 'integer',
  valueName: 's',
  default: 30,
  description: 'with --queue: give up (the jobs stay queued) after Redis is unreachable this long',
  schema: integerAtLeast(1),
};

/** What `compare` and `reproduce` take to run their plan like a sweep (local pool or queue). */
export const PLAN_OPTIONS: readonly OptionDef[] = [
  QUEUE_OPTION,
  ATTEMPTS_OPTION,
  ON_INTERRUPT_OPTION,
  REDIS_TIMEOUT_OPTION,
  CALIBRATE_STEPS_OPTION,
];
