import { join } from 'node:path';
import { type CommandDef, parseCommand, UsageError } from '../args.js';
import {
  checkOutDir,
  OVERWRITE_OPTION,
  outOption,
  WORKERS_OPTION,
  writeErrorFor,
} from '../out-dir.js';
import type { Output } from '../output.js';
import { createProgress } from '../progress.js';
import { scheduleRuns, scheduleText } from '../scheduling.js';
import { writeSweepReport } from '../sweep/aggregate.js';
import { redactUrl } from '../sweep/connection.js';
import { placeRuns, runPlan, waitOnQueue } from '../sweep/execute.js';
import {
  ATTEMPTS_OPTION,
  CALIBRATE_STEPS_OPTION,
  ON_INTERRUPT_OPTION,
  QUEUE_OPTION,
  REDIS_TIMEOUT_OPTION,
} from '../sweep/options.js';
import { calibrate, type PlannedRun, planText, stepsOf } from '../sweep/plan.js';
import type { RunRecord } from '../sweep/records.js';
import { runSpecFromOptions } from '../sweep/run-options.js';
import { expandSweep, readSweepFile, type SweepRun, type SweepSpec } from '../sweep/spec.js';

export const sweepCommand: CommandDef = {
  name: 'sweep',
  summary:
    'Run a grid of training runs from a JSON or YAML file (a base run and axes: optimizer, lr, gamma, delta, seed, batch-size, ...) on a local pool of worker processes, or on a BullMQ queue on Redis that any number of `deltaclip worker`s take runs from. Prints the plan with an estimated time first, then writes results.json, runs.csv and report.html (the final loss over each swept axis, mean and std over seeds).',
  positionals: [{ name: 'file', description: 'the sweep file (.json, .yaml or .yml)' }],
  options: [
    { name: 'dry-run', type: 'boolean', description: 'print the plan (and the estimate) only' },
    WORKERS_OPTION,
    QUEUE_OPTION,
    {
      name: 'attach',
      type: 'string',
      valueName: 'id',
      description:
        'with --queue: wait again for a sweep that was left queued (Ctrl-C, lost connection)',
    },
    ATTEMPTS_OPTION,
    ON_INTERRUPT_OPTION,
    CALIBRATE_STEPS_OPTION,
    REDIS_TIMEOUT_OPTION,
    outOption('report folder, new or empty (default: runs/sweep-<name>-<time>)'),
    OVERWRITE_OPTION,
  ],
  notes: [
    'A sweep file: {"name": "lr-seeds", "base": {"dataset": "cars", "model": "mlp:hidden=64", "epochs": 50,',
    '"optimizer": "delta-gclip:lr=1,gamma=0.1,delta=0.2"}, "axes": {"lr": [0.5, 1, 2], "seed": {"from": 0, "to": 4}}}.',
    'Base keys are the options of deltaclip train; grids are {from, to, steps, scale: linear|log}.',
  ],
  examples: [
    'deltaclip sweep sweeps/lr-gamma.yaml --dry-run',
    'deltaclip sweep sweeps/lr-gamma.yaml --workers 4 --out runs/lr-gamma',
    'deltaclip sweep sweeps/seeds.json --queue redis://10.0.0.5:6379',
    'deltaclip sweep --attach lr-gamma-m1x2k3 --queue redis://10.0.0.5:6379',
  ],
};

async function plan(runs: readonly SweepRun[]): Promise<PlannedRun[]> {
  const planned: PlannedRun[] = [];
  for (const run of runs) {
    const { spec, data } = await runSpecFromOptions(
      run.options,
      `run ${run.index + 1} (${run.label}):`,
    );
    planned.push({ run, spec, steps: stepsOf(spec, data) });
  }
  return planned;
}

export async function sweep(argv: readonly string[], output: Output): Promise<void> {
  const { values, positionals } = parseCommand(sweepCommand, argv);
  const url = typeof values.queue === 'string' ? values.queue : undefined;
  const attach = typeof values.attach === 'string' ? values.attach : undefined;
  if (attach !== undefined && url === undefined) {
    throw new UsageError(
      '--attach needs --queue redis://host:port (the Redis the sweep is queued on)',
    );
  }
  if (attach === undefined && positionals.length !== 1) {
    throw new UsageError(
      `'deltaclip sweep' takes one sweep file (got ${positionals.length}): deltaclip sweep FILE [--queue URL]`,
    );
  }
  if (attach !== undefined && positionals.length > 0) {
    throw new UsageError('--attach takes no sweep file: the plan comes from the queue');
  }
  const progress = createProgress(process.stderr, { quiet: output.json });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outFor = (name: string) =>
    typeof values.out === 'string' ? values.out : join('runs', `sweep-${name}-${stamp}`);
  const t0 = performance.now();
  if (attach !== undefined) {
    const { loadStoredSweep, openQueue } = await import('../sweep/queue-client.js');
    const handle = await openQueue(url!);
    try {
      const stored = await loadStoredSweep(handle, attach, url!);
      const out = outFor(stored.sweep.name);
      checkOutDir(out, { overwrite: true });
      const records = await waitOnQueue(handle, stored, {
        url: url!,
        values,
        output,
        progress,
        attached: true,
      });
      if (records === null) return;
      finishSweep(
        out,
        stored.sweep,
        records,
        {
          where: redactUrl(url!),
          sweepId: stored.id,
          // An attached sweep runs on the backend its jobs carry, whatever this command's default is.
          backend: stored.backend,
          wallSeconds: (performance.now() - t0) / 1000,
        },
        output,
      );
    } finally {
      await handle.close();
    }
    return;
  }
  const sweepSpec = readSweepFile(positionals[0]!);
  const runs = expandSweep(sweepSpec);
  const backend = String(values.backend);
  const out = outFor(sweepSpec.name);
  // Every run is built and checked here, before anything is enqueued or started.
  const planned = await plan(runs);
  const placement = await placeRuns(values, runs.length);
  const dryRun = values['dry-run'] === true;
  let text: string;
  let calibration: Awaited<ReturnType<typeof calibrate>> | null;
  try {
    const steps = Number(values['calibrate-steps']);
    calibration = steps > 0 ? await calibrate(planned[0]!, steps, backend) : null;
    text = planText(
      sweepSpec,
      planned,
      placement.where,
      placement.parallel,
      calibration,
      placement.handle === undefined,
    );
    if (placement.handle === undefined) {
      text += `\nSchedule: ${scheduleText(scheduleRuns(runs.length, placement.workers))}.`;
    }
    if (!dryRun) checkOutDir(out, { overwrite: values.overwrite === true });
  } catch (error) {
    await placement.handle?.close();
    throw error;
  }
  if (dryRun) {
    await placement.handle?.close();
    if (output.json) {
      output.result({
        sweep: sweepSpec,
        runs: planned.map((p) => ({ ...p.run, steps: p.steps })),
        calibration,
      });
    } else output.text(text);
    return;
  }
  if (output.json) process.stderr.write(`${text}\n`);
  else output.text(text);
  const outcome = await runPlan(placement, {
    sweep: sweepSpec,
    planned,
    backend,
    values,
    output,
    progress,
  });
  if (outcome === null) return;
  finishSweep(
    out,
    sweepSpec,
    outcome.records,
    {
      where: outcome.where,
      ...(outcome.sweepId ? { sweepId: outcome.sweepId } : {}),
      ...(outcome.where === 'local' ? { workers: placement.workers } : {}),
      backend,
      wallSeconds: (performance.now() - t0) / 1000,
    },
    output,
  );
}

function finishSweep(
  out: string,
  sweepSpec: SweepSpec,
  records: RunRecord[],
  meta: Record<string, unknown>,
  output: Output,
): void {
  let report: ReturnType<typeof writeSweepReport>;
  try {
    report = writeSweepReport(out, sweepSpec, records, {
      ...meta,
      wallSeconds: Number((meta.wallSeconds as number).toFixed(2)),
    });
  } catch (error) {
    throw writeErrorFor('--out', out, error);
  }
  const failed = records.filter((r) => r.status === 'failed');
  if (output.json) {
    output.result({
      out,
      report: join(out, 'report.html'),
      runs: records.map((r) => ({
        index: r.run.index,
        label: r.run.label,
        params: r.run.params,
        status: r.status,
        worker: r.worker,
        attempts: r.attempts,
        ...(r.error ? { error: r.error } : {}),
        finalTrainLoss: r.result?.outcome.result.history.epochs.at(-1)?.train.loss ?? null,
      })),
      groups: report.groups,
      failed: failed.length,
    });
  } else {
    output.text(`\n${report.tableText}\n`);
    for (const r of failed)
      output.text(
        `run ${r.run.index + 1} (${r.run.label}) failed: ${r.error?.name}: ${r.error?.message}`,
      );
    output.text(
      `\nReport: ${join(out, 'report.html')} (also results.json, runs.csv, steps.csv, epochs.csv, analysis.csv)`,
    );
    output.text(
      `${records.length - failed.length} of ${records.length} runs finished in ${(meta.wallSeconds as number).toFixed(1)} s.`,
    );
  }
  if (failed.length > 0) process.exitCode = failed.every((r) => r.error?.userError) ? 2 : 1;
}
