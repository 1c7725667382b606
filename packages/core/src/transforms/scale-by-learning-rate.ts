import { requirePositive } from '@deltaclip/utils';
import type { Schedule } from '../schedules/schedule.js';
import { constantSchedule } from '../schedules/schedules.js';
import { EMPTY_STATE } from '../state.js';
import type { GradientTransformation } from '../types.js';

/**
 * Scale by the negative learning rate: u <- -eta_t u with eta_t = learningRate * schedule(t).
 * The last transform of a descent optimizer. eta_t is a host number (schedules are host
 * functions of the step index), so this costs no device read.
 *
 * @param learningRate base learning rate eta, > 0.
 * @param schedule multiplier per step (default constant 1).
 */
export function scaleByLearningRate(
  learningRate: number,
  schedule: Schedule = constantSchedule(1),
): GradientTransformation {
  requirePositive('learningRate', learningRate);
  return {
    config: { kind: 'scaleByLearningRate', learningRate, schedule: schedule.config },
    init: () => EMPTY_STATE,
    update(updates, state, context) {
      const eta = learningRate * schedule.at(context.step);
      if (!Number.isFinite(eta) || eta < 0) {
        throw new RangeError(
          `learning rate at step ${context.step} must be finite and >= 0 (got ${eta} = ${learningRate} x schedule)`,
        );
      }
      context.report({ learningRate: eta });
      return { updates: updates.scaledBy(-eta), state };
    },
  };
}
