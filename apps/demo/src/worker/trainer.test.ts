import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../state/settings.js';
import type { Race } from '../training/race.js';
import type { FromWorker } from './protocol.js';
import { Trainer } from './trainer.js';

const settings: Settings = { ...DEFAULT_SETTINGS, samples: 100, hidden: [8], evalEvery: 5 };

function harness() {
  const messages: FromWorker[] = [];
  let waiting: { test: (m: FromWorker) => boolean; resolve: (m: FromWorker) => void } | null = null;
  // Deferred slices run on a macrotask as in the worker, and can be run on demand by the test.
  const deferred = new Set<() => void>();
  const trainer = new Trainer({
    post: (m) => {
      messages.push(m);
      if (waiting?.test(m)) {
        waiting.resolve(m);
        waiting = null;
      }
    },
    defer: (f) => {
      const run = () => {
        if (deferred.delete(run)) f();
      };
      deferred.add(run);
      setTimeout(run, 0);
    },
    now: () => performance.now(),
  });
  const next = (test: (m: FromWorker) => boolean) =>
    new Promise<FromWorker>((resolve) => {
      const found = messages.find(test);
      if (found) resolve(found);
      else waiting = { test, resolve };
    });
  /** Run every deferred callback now, then wait for what they queued (an old-run message is queued after it). */
  const settle = async () => {
    for (const run of [...deferred]) run();
    await trainer.receive({ type: 'step', runId: -1, count: 1 });
  };
  return { trainer, messages, next, settle, deferred };
}

let trainers: Trainer[] = [];
afterEach(() => {
  for (const t of trainers) t.dispose();
  trainers = [];
});

describe('Trainer', () => {
  it('sends the network diagram’s weights when settled, and at most every DIAGRAM_MS while playing', async () => {
    let clock = 0;
    const posted: { m: FromWorker; t: number }[] = [];
    const trainer = new Trainer({
      post: (m) => posted.push({ m, t: clock }),
      defer: (f) => setTimeout(f, 0),
      // Every look at the clock moves it 20 ms: slices of a step or two, many progress messages.
      now: () => (clock += 20),
    });
    trainers.push(trainer);
    await trainer.receive({ type: 'init', runId: 1, settings });
    const ready = posted[0]!.m;
    if (ready.type !== 'ready') throw new Error(`expected ready, got ${ready.type}`);
    const net = ready.progress.network!;
    expect(net.optimizer).toBe('dgclip');
    expect(net.layers.map((l) => [l.inputs, l.outputs, l.shownIn, l.shownOut])).toEqual([
      [2, 8, 2, 8],
      [8, 2, 8, 2],
    ]);
    await trainer.receive({ type: 'weights', runId: 1 });
    const w = posted[1]!.m;
    if (w.type !== 'weights') throw new Error(`expected weights, got ${w.type}`);
    const kernel0 = w.weights.dgclip!.find((x) => x.name.endsWith('dense0/kernel'))!;
    expect(Array.from(net.layers[0]!.kernel)).toEqual(Array.from(kernel0.values));
    await trainer.receive({ type: 'play', runId: 1 });
    while (clock < 5000) await new Promise((r) => setTimeout(r, 0));
    await trainer.receive({ type: 'pause', runId: 1 });
    const playing = posted.filter((p) => p.m.type === 'progress' && p.m.progress.running) as {
      m: Extract<FromWorker, { type: 'progress' }>;
      t: number;
    }[];
    const withNet = playing.filter((p) => p.m.progress.network !== null);
    expect(withNet.length).toBeGreaterThanOrEqual(3);
    expect(playing.length).toBeGreaterThan(withNet.length);
    for (let i = 1; i < withNet.length; i++) {
      expect(withNet[i]!.t - withNet[i - 1]!.t).toBeGreaterThanOrEqual(500);
    }
  });

  it('rations the certificate while playing (a share of the time) and judges it whenever paused', async () => {
    let clock = 0;
    const posted: { m: FromWorker; t: number }[] = [];
    const share = 0.005;
    const trainer = new Trainer(
      {
        post: (m) => posted.push({ m, t: clock }),
        defer: (f) => setTimeout(f, 0),
        // Every look at the clock moves it 20 ms, so each judgement of the certificate costs 20 ms.
        now: () => (clock += 20),
      },
      { analysisShare: share },
    );
    trainers.push(trainer);
    // beta (and so a new judgement) every 10 steps: more often than the ration allows.
    await trainer.receive({ type: 'init', runId: 1, settings: { ...settings, evalEvery: 1 } });
    await trainer.receive({ type: 'play', runId: 1 });
    while (clock < 40_000) await new Promise((r) => setTimeout(r, 0));
    await trainer.receive({ type: 'pause', runId: 1 });
    const playing = posted.filter((p) => p.m.type === 'progress' && p.m.progress.running) as {
      m: Extract<FromWorker, { type: 'progress' }>;
      t: number;
    }[];
    const betas = playing.filter((p) => (p.m.progress.update.betas.dgclip?.length ?? 0) > 0);
    const judged = playing.filter((p) => p.m.progress.analyses !== null);
    expect(judged.length).toBeGreaterThanOrEqual(5);
    expect(betas.length).toBeGreaterThan(2 * judged.length);
    // 20 ms of judging, then at least 20 * (1 / share - 1) ms without.
    for (let i = 1; i < judged.length; i++) {
      expect(judged[i]!.t - judged[i - 1]!.t).toBeGreaterThanOrEqual(20 / share - 20);
    }
    // Pause answers at once, without the certificate; the settled message brings it.
    const [answer, paused] = posted.slice(-2).map((p) => p.m);
    if (answer?.type !== 'progress' || paused?.type !== 'progress')
      throw new Error('expected progress');
    expect(answer.progress.running).toBe(false);
    expect(answer.progress.analyses).toBeNull();
    expect(answer.progress.heatmaps).toBeNull();
    expect(paused.progress.running).toBe(false);
    expect(paused.progress.update.step).toBe(answer.progress.update.step);
    expect(paused.progress.heatmaps).not.toBeNull();
    expect(paused.progress.analyses!.map((a) => a.step)).toEqual([
      paused.progress.update.step,
      paused.progress.update.step,
    ]);
  });

  it('abandons a judgement of the certificate in progress when a pause comes in between its pieces', async () => {
    const posted: FromWorker[] = [];
    const trainer = new Trainer(
      { post: (m) => posted.push(m), defer: (f) => setTimeout(f, 0), now: () => performance.now() },
      { analysisShare: 1 },
    );
    trainers.push(trainer);
    await trainer.receive({ type: 'init', runId: 1, settings: { ...settings, evalEvery: 1 } });
    // The race is private: wrap its analyses so that the pause arrives during the first piece.
    const race = (trainer as unknown as { race: Race }).race;
    const original = race.analyses.bind(race);
    let pieces = 0;
    let abandoned = 0;
    let paused: Promise<void> | null = null;
    race.analyses = (async (between?: () => Promise<boolean>) => {
      const result = await original(
        between &&
          (() => {
            pieces++;
            paused ??= trainer.receive({ type: 'pause', runId: 1 });
            return between();
          }),
      );
      if (between && result === null) abandoned++;
      return result;
    }) as Race['analyses'];
    await trainer.receive({ type: 'play', runId: 1 });
    // (Bounded: without pieces the pause never comes, and the expectations below say so.)
    while (paused === null && posted.length < 100) await new Promise((r) => setTimeout(r, 0));
    await (paused ?? trainer.receive({ type: 'pause', runId: 1 }));
    // One piece began, the pause came, the rest was left: the slice posted no certificate.
    expect(pieces).toBe(1);
    expect(abandoned).toBe(1);
    const progress = posted.filter((m) => m.type === 'progress');
    const [slice, answer, settled] = progress.slice(-3).map((m) => m.progress);
    expect(slice!.analyses).toBeNull();
    expect(answer!.running).toBe(false);
    expect(answer!.analyses).toBeNull();
    // The pause judges everything at once, on the step it stopped at.
    expect(settled!.analyses!.map((a) => a.step)).toEqual([
      settled!.update.step,
      settled!.update.step,
    ]);
  });

  it('answers a thumbnails request with every 2-D set, and states the model’s inputs in the summary', async () => {
    const { trainer, messages } = harness();
    trainers.push(trainer);
    await trainer.receive({ type: 'thumbnails' });
    const t = messages[0]!;
    if (t.type !== 'thumbnails') throw new Error(`expected thumbnails, got ${t.type}`);
    expect(t.thumbnails.map((x) => x.dataset)).toContain('spiral');
    await trainer.receive({
      type: 'init',
      runId: 1,
      settings: { ...settings, features: ['x1', 'x2', 'sinx1'] },
    });
    const ready = messages[1]!;
    if (ready.type !== 'ready') throw new Error(`expected ready, got ${ready.type}`);
    expect(ready.summary.inputSize).toBe(3);
    expect(ready.summary.featureNames).toEqual(['x1', 'x2', 'sinx1']);
  });

  it('prepares a race, steps it, plays and pauses, in order', async () => {
    const { trainer, messages, next, settle, deferred } = harness();
    trainers.push(trainer);
    await trainer.receive({ type: 'init', runId: 1, settings });
    const ready = messages[0]!;
    if (ready.type !== 'ready') throw new Error(`expected ready, got ${ready.type}`);
    expect(ready.summary).toMatchObject({
      dataset: 'spiral',
      trainSize: 80,
      testSize: 20,
      task: 'classification',
      gridSize: 48,
    });
    expect(ready.summary.points!.train.x).toHaveLength(160);
    expect(ready.progress.update.step).toBe(0);
    expect(ready.progress.heatmaps!.gclip).toHaveLength(48 * 48 * 2);
    expect(ready.progress.update.evals.dgclip).toHaveLength(1);

    await trainer.receive({ type: 'step', runId: 1, count: 3 });
    const stepped = messages.at(-1)!;
    expect(stepped.type === 'progress' && stepped.progress.update.step).toBe(3);
    expect(
      stepped.type === 'progress' && stepped.progress.update.telemetry.gclip!.map((t) => t.step),
    ).toEqual([0, 1, 2]);

    void trainer.receive({ type: 'play', runId: 1 });
    await next((m) => m.type === 'progress' && m.progress.running && m.progress.update.step > 20);
    await trainer.receive({ type: 'pause', runId: 1 });
    const paused = messages.at(-1)!;
    if (paused.type !== 'progress') throw new Error('expected progress');
    expect(paused.progress.running).toBe(false);
    const stoppedAt = paused.progress.update.step;
    // Any slice scheduled before the pause runs now and must do nothing.
    await settle();
    expect(deferred.size).toBe(0);
    expect(messages.at(-1)).toBe(paused); // nothing ran after the pause
    // Every step's telemetry arrived exactly once.
    const steps = messages
      .flatMap((m) =>
        m.type === 'progress' || m.type === 'ready'
          ? (m.progress.update.telemetry.dgclip ?? [])
          : [],
      )
      .map((t) => t.step);
    expect(steps).toEqual(Array.from({ length: stoppedAt }, (_, i) => i));
  });

  it('looks at the page’s frame gate before every step and before heatmaps while playing', async () => {
    const messages: FromWorker[] = [];
    /** The race's step at each look (the Trainer's race is private: read for the test only). */
    const looks: number[] = [];
    let trainer: Trainer;
    trainer = new Trainer({
      post: (m) => messages.push(m),
      defer: (f) => setTimeout(f, 0),
      now: () => performance.now(),
      betweenSteps: () =>
        looks.push((trainer as unknown as { race: { step: number } | null }).race?.step ?? -1),
    });
    trainers.push(trainer);
    await trainer.receive({ type: 'init', runId: 1, settings });
    const before = looks.length;
    void trainer.receive({ type: 'play', runId: 1 });
    while (!messages.some((m) => m.type === 'progress' && m.progress.update.step > 30))
      await new Promise((r) => setTimeout(r, 0));
    await trainer.receive({ type: 'pause', runId: 1 });
    const last = messages.at(-1)!;
    if (last.type !== 'progress') throw new Error(`expected progress, got ${last.type}`);
    const stoppedAt = last.progress.update.step;
    expect(stoppedAt).toBeGreaterThan(30);
    // Before each step s+1 was taken, the gate was looked at with the race at step s.
    const seen = new Set(looks.slice(before));
    for (let s = 0; s < stoppedAt; s++) expect(seen.has(s), `no look at step ${s}`).toBe(true);
    // More looks than steps: the progress messages (heatmaps, diagram) look too.
    expect(looks.length - before).toBeGreaterThan(stoppedAt);
  });

  it('ignores messages of an old run and keeps the previous race when new data cannot be built', async () => {
    const { trainer, messages } = harness();
    trainers.push(trainer);
    await trainer.receive({ type: 'init', runId: 1, settings });
    await trainer.receive({ type: 'init', runId: 2, settings: { ...settings, dataset: 'csv' } });
    expect(messages.at(-1)).toEqual({
      type: 'error',
      runId: 2,
      message: 'the csv data set needs an uploaded file: choose one with "Upload CSV"',
    });
    const count = messages.length;
    await trainer.receive({ type: 'step', runId: 2, count: 1 });
    expect(messages.length).toBe(count); // run 2 never started
    await trainer.receive({ type: 'step', runId: 1, count: 2 });
    const m = messages.at(-1)!;
    expect(m.type === 'progress' && m.progress.update.step).toBe(2);
  });

  it('checks an uploaded CSV without touching the race', async () => {
    const { trainer, messages } = harness();
    trainers.push(trainer);
    await trainer.receive({
      type: 'check-csv',
      requestId: 7,
      csv: { id: 1, file: 'bad.csv', blob: new Blob(['a,b\n1\n']), drop: [] },
      target: '',
      test: 0.2,
      seed: 1,
    });
    expect(messages.at(-1)).toEqual({
      type: 'csv-check',
      requestId: 7,
      verdict: {
        ok: false,
        message:
          'Could not use “bad.csv”: bad.csv at row 1, line 2: expected 2 cells (one per header column), found 1 cell(s). Quote cells that contain commas. The previous data set is kept.',
        columns: null,
      },
    });
    expect(messages.some((m) => m.type === 'progress' || m.type === 'ready')).toBe(false);
    const text = [
      'x,y,label',
      ...Array.from({ length: 10 }, (_, i) => `${i},${i % 3},${i % 2 ? 'a' : 'b'}`),
    ].join('\n');
    await trainer.receive({
      type: 'check-csv',
      requestId: 8,
      csv: { id: 2, file: 'ok.csv', blob: new Blob([text]), drop: [] },
      target: '',
      test: 0.2,
      seed: 1,
    });
    expect(messages.at(-1)).toEqual({
      type: 'csv-check',
      requestId: 8,
      verdict: {
        ok: true,
        columns: ['x', 'y', 'label'],
        target: 'label',
        task: 'classification',
        rows: 10,
      },
    });
  });

  it('sends weights and the full history on request', async () => {
    const { trainer, messages } = harness();
    trainers.push(trainer);
    await trainer.receive({ type: 'init', runId: 3, settings });
    await trainer.receive({ type: 'step', runId: 3, count: 10 });
    await trainer.receive({ type: 'weights', runId: 3 });
    const w = messages.at(-1)!;
    if (w.type !== 'weights') throw new Error('expected weights');
    expect(w.step).toBe(10);
    expect(w.weights.gclip!.map((x) => x.name)).toEqual([
      'dense0/kernel',
      'dense0/bias',
      'dense1/kernel',
      'dense1/bias',
    ]);
    await trainer.receive({ type: 'history', runId: 3 });
    const h = messages.at(-1)!;
    if (h.type !== 'history') throw new Error('expected history');
    expect(h.history.dgclip!.telemetry).toHaveLength(10);
    expect(h.history.dgclip!.evals.map((e) => e.step)).toEqual([0, 5, 10]);
    expect(h.analyses.map((a) => a.id)).toEqual(['gclip', 'dgclip']);
  });
});
