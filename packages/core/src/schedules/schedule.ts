/**
 * Learning-rate schedules as pure host functions of the step index. The optimizer multiplies its
 * base learning rate by `schedule.at(step)`, so evaluating a schedule never touches the device.
 * Every schedule carries a JSON config, so optimizers that use one stay serializable.
 */
export type ScheduleConfig =
  | { readonly kind: 'constant'; readonly value: number }
  | {
      readonly kind: 'stepDecay';
      readonly boundaries: readonly number[];
      readonly factor: number;
      readonly unit: 'step' | 'epoch';
      readonly stepsPerEpoch: number;
    }
  | { readonly kind: 'cosine'; readonly decaySteps: number; readonly alpha: number }
  | { readonly kind: 'linearWarmup'; readonly warmupSteps: number; readonly start: number }
  | {
      readonly kind: 'join';
      readonly schedules: readonly ScheduleConfig[];
      readonly boundaries: readonly number[];
    }
  | { readonly kind: 'product'; readonly schedules: readonly ScheduleConfig[] };

/** A learning-rate multiplier as a function of the 0-based step index. */
export interface Schedule {
  readonly config: ScheduleConfig;
  /** The multiplier at `step` (an integer >= 0). */
  at(step: number): number;
}
