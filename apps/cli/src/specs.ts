import type { ScheduleConfig } from '@deltaclip/core';
import type { ModelConfig } from '@deltaclip/models';
import type { LossSpec } from '@deltaclip/train';
import { UsageError } from './args.js';

/** `key=value,key=value` into a record; values stay strings. */
function keyValues(text: string, what: string, example: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0)
      throw new UsageError(`Bad ${what} option '${part}': expected key=value, e.g. ${example}`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function number(value: string, key: string, what: string): number {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n)) {
    throw new UsageError(`${what} option '${key}' must be a number (got '${value}')`);
  }
  return n;
}

const INT_LISTS = new Set(['hidden', 'widths', 'blocks']);

/**
 * A model from `kind:key=value,...` (lists as 512x512) or a JSON object, e.g.
 * `mlp:hidden=1024,activation=relu,parameterization=ntk` or `resnet:preset=resnet-mini`.
 * Sizes the data decides (inputSize, outputSize, numClasses, ...) are filled in by the caller.
 */
export function parseModelSpec(text: string): Record<string, unknown> & { kind: string } {
  if (text.trim().startsWith('{')) {
    try {
      return JSON.parse(text) as Record<string, unknown> & { kind: string };
    } catch (error) {
      throw new UsageError(`--model is not valid JSON: ${(error as Error).message}`);
    }
  }
  const [kind, rest = ''] = text.split(':', 2) as [string, string?];
  const out: Record<string, unknown> & { kind: string } = { kind: kind.trim() };
  for (const [key, value] of Object.entries(keyValues(rest, 'model', 'mlp:hidden=512x512'))) {
    if (INT_LISTS.has(key)) {
      out[key] = value === '' ? [] : value.split('x').map((v) => number(v, key, 'Model'));
    } else if (value === 'true' || value === 'false') out[key] = value === 'true';
    else if (/^-?[\d.]+(e-?\d+)?$/i.test(value)) out[key] = number(value, key, 'Model');
    else out[key] = value;
  }
  return out;
}

/** Fill in the sizes of a model config from the data. */
export function completeModel(
  spec: Record<string, unknown> & { kind: string },
  data: { featureShape: readonly number[]; outputSize: number; numClasses?: number },
): ModelConfig {
  const featureSize = data.featureShape.reduce((a, b) => a * b, 1);
  switch (spec.kind) {
    case 'mlp':
      return { inputSize: featureSize, outputSize: data.outputSize, ...spec } as ModelConfig;
    case 'vae':
      return { inputSize: featureSize, ...spec } as ModelConfig;
    case 'resnet':
    case 'vit':
      return {
        numClasses: data.numClasses ?? data.outputSize,
        ...(spec.kind === 'resnet' ? { inputChannels: data.featureShape.at(-1) } : {}),
        ...spec,
      } as ModelConfig;
    default:
      return spec as unknown as ModelConfig;
  }
}

export const LOSS_NAMES = ['half-mean', 'mean', 'half-sum', 'sum', 'cross-entropy', 'vae'] as const;

/** `half-mean` = 0.5 mean squared error (default for regression), ..., `cross-entropy`, `vae`. */
export function parseLoss(name: string): LossSpec {
  switch (name) {
    case 'half-mean':
      return { kind: 'square', reduction: 'mean', half: true };
    case 'mean':
      return { kind: 'square', reduction: 'mean', half: false };
    case 'half-sum':
      return { kind: 'square', reduction: 'sum', half: true };
    case 'sum':
      return { kind: 'square', reduction: 'sum', half: false };
    case 'cross-entropy':
      return { kind: 'cross-entropy' };
    case 'vae':
      return { kind: 'vae' };
    default:
      throw new UsageError(`--loss must be one of ${LOSS_NAMES.join(', ')} (got '${name}')`);
  }
}

/**
 * A learning-rate schedule: `constant`, `step-decay:boundaries=100+150,factor=0.1,unit=epoch`,
 * `cosine:steps=1000,alpha=0.01`, `warmup-cosine:warmup=100,steps=1000,alpha=0`.
 */
export function parseSchedule(text: string): ScheduleConfig | null {
  const [kind, rest = ''] = text.split(':', 2) as [string, string?];
  const o = keyValues(rest, 'schedule', 'step-decay:boundaries=100+150,factor=0.1,unit=epoch');
  const num = (key: string, fallback?: number) => {
    if (o[key] === undefined) {
      if (fallback === undefined) throw new UsageError(`--schedule ${kind} needs ${key}=<value>`);
      return fallback;
    }
    return number(o[key]!, key, 'Schedule');
  };
  switch (kind.trim()) {
    case 'constant':
    case 'none':
      return null;
    case 'step-decay': {
      const unit = o.unit ?? 'epoch';
      if (unit !== 'epoch' && unit !== 'step') {
        throw new UsageError(`--schedule step-decay unit must be epoch or step (got '${unit}')`);
      }
      if (o.boundaries === undefined)
        throw new UsageError('--schedule step-decay needs boundaries=<a+b+...>');
      return {
        kind: 'stepDecay',
        boundaries: o.boundaries.split('+').map((b) => number(b, 'boundaries', 'Schedule')),
        factor: num('factor', 0.1),
        unit,
        stepsPerEpoch: 0,
      };
    }
    case 'cosine':
      return { kind: 'cosine', decaySteps: num('steps'), alpha: num('alpha', 0) };
    case 'warmup-cosine': {
      const warmup = num('warmup');
      return {
        kind: 'join',
        schedules: [
          { kind: 'linearWarmup', warmupSteps: warmup, start: 0 },
          { kind: 'cosine', decaySteps: num('steps'), alpha: num('alpha', 0) },
        ],
        boundaries: [warmup],
      };
    }
    default:
      throw new UsageError(
        `--schedule must be constant, step-decay:..., cosine:... or warmup-cosine:... (got '${text}')`,
      );
  }
}
