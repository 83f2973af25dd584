import assert from "node:assert/strict";
import { createVirtualClock } from "../engine/virtual_clock.ts";
import { type Cron, parseCron } from "../workflow/cron.ts";
import { isDue, runSchedule, type ScheduledWorkflow, type ScheduleEvent } from "./scheduler.ts";

function cron(text: string): Cron {
  const parsed = parseCron(text);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed;
}

const iso = (ms: number) => new Date(ms).toISOString();

function workflow(name: string, schedule: string): ScheduledWorkflow {
  return { file: `/w/${name}.yaml`, name, cron: cron(schedule) };
}

/** Runs a schedule on a virtual clock; each run takes `runMs` of virtual time. */
async function simulate(o: {
  startMs: number;
  untilMs?: number;
  once?: boolean;
  workflows: ScheduledWorkflow[];
  runMs?: (w: ScheduledWorkflow) => number;
  fail?: (w: ScheduledWorkflow) => boolean;
}) {
  const clock = createVirtualClock({ startMs: o.startMs });
  const events: ScheduleEvent[] = [];
  let n = 0;
  const summary = await runSchedule({
    workflows: o.workflows,
    deps: clock,
    ...(o.untilMs !== undefined ? { untilMs: o.untilMs } : {}),
    ...(o.once ? { once: true } : {}),
    onEvent: (e) => events.push(e),
    runOnce: async (w) => {
      const runId = `run-${++n}`;
      await clock.sleep(o.runMs?.(w) ?? 1_000);
      if (o.fail?.(w)) throw new Error(`${w.name} broke`);
      return { runId, status: "succeeded" };
    },
  });
  const lines = events.map((e) =>
    `${iso(e.timeMs)} ${e.type} ${e.workflow.name}` +
    (e.type === "finish" ? ` ${e.result.status}${e.result.runId ? " " + e.result.runId : ""}` : "")
  );
  return { summary, events, lines, clock };
}

Deno.test("fires at the cron's UTC minutes, from the start up to --until", async () => {
  const { summary, events } = await simulate({
    startMs: Date.parse("2026-11-23T00:07:30Z"),
    untilMs: Date.parse("2026-11-23T01:00:00Z"),
    workflows: [workflow("quarter", "*/15 * * * *")],
  });
  assert.deepEqual(
    events.filter((e) => e.type === "fire").map((e) => iso(e.timeMs)),
    [
      "2026-11-23T00:15:00.000Z",
      "2026-11-23T00:30:00.000Z",
      "2026-11-23T00:45:00.000Z",
      "2026-11-23T01:00:00.000Z",
    ],
  );
  assert.deepEqual(summary, { fired: 4, skipped: 0, succeeded: 4, failed: 0 });
  const finishes = events.filter((e) => e.type === "finish");
  assert.equal(finishes.length, 4);
  assert.ok(finishes.every((e) => e.type === "finish" && e.durationMs === 1_000));
});

Deno.test("a daily 03:00 schedule fires once a day at 03:00 UTC, several workflows side by side", async () => {
  const { lines } = await simulate({
    startMs: Date.parse("2026-11-23T02:59:30Z"),
    untilMs: Date.parse("2026-11-25T12:00:00Z"),
    workflows: [workflow("audit", "0 3 * * *"), workflow("weekly", "30 4 * * MON")],
  });
  assert.deepEqual(lines, [
    "2026-11-23T03:00:00.000Z fire audit",
    "2026-11-23T03:00:01.000Z finish audit succeeded run-1",
    "2026-11-23T04:30:00.000Z fire weekly", // 2026-11-23 is a Monday
    "2026-11-23T04:30:01.000Z finish weekly succeeded run-2",
    "2026-11-24T03:00:00.000Z fire audit",
    "2026-11-24T03:00:01.000Z finish audit succeeded run-3",
    "2026-11-25T03:00:00.000Z fire audit",
    "2026-11-25T03:00:01.000Z finish audit succeeded run-4",
  ]);
});

Deno.test("a fire that would overlap a run still going is skipped and reported", async () => {
  const { lines, summary, events } = await simulate({
    startMs: Date.parse("2026-11-23T10:00:00Z"), // exactly on a minute: fires at once
    untilMs: Date.parse("2026-11-23T10:04:00Z"),
    workflows: [workflow("slow", "* * * * *"), workflow("quick", "*/2 * * * *")],
    runMs: (w) => (w.name === "slow" ? 150_000 : 1_000),
  });
  assert.deepEqual(lines, [
    "2026-11-23T10:00:00.000Z fire slow",
    "2026-11-23T10:00:00.000Z fire quick",
    "2026-11-23T10:00:01.000Z finish quick succeeded run-2",
    "2026-11-23T10:01:00.000Z skip slow",
    "2026-11-23T10:02:00.000Z skip slow",
    "2026-11-23T10:02:00.000Z fire quick",
    "2026-11-23T10:02:01.000Z finish quick succeeded run-3",
    "2026-11-23T10:02:30.000Z finish slow succeeded run-1",
    "2026-11-23T10:03:00.000Z fire slow",
    "2026-11-23T10:04:00.000Z skip slow",
    "2026-11-23T10:04:00.000Z fire quick",
    "2026-11-23T10:04:01.000Z finish quick succeeded run-5",
    "2026-11-23T10:05:30.000Z finish slow succeeded run-4",
  ]);
  assert.deepEqual(summary, { fired: 5, skipped: 3, succeeded: 5, failed: 0 });
  const skip = events.find((e) => e.type === "skip");
  assert.equal(
    skip?.type === "skip" && skip.reason === "overlap" && iso(skip.runningSinceMs),
    "2026-11-23T10:00:00.000Z",
  );
});

Deno.test("a run that throws counts as failed and the schedule goes on", async () => {
  const { summary, events } = await simulate({
    startMs: Date.parse("2026-11-23T10:00:10Z"),
    untilMs: Date.parse("2026-11-23T10:03:00Z"),
    workflows: [workflow("flaky", "* * * * *")],
    fail: () => true,
  });
  assert.deepEqual(summary, { fired: 3, skipped: 0, succeeded: 0, failed: 3 });
  const finish = events.find((e) => e.type === "finish");
  assert.equal(finish?.type === "finish" && finish.result.detail, "flaky broke");
});

Deno.test("--once fires only what is due in the current minute", async () => {
  const { lines, summary } = await simulate({
    startMs: Date.parse("2026-11-23T03:00:42Z"),
    once: true,
    workflows: [workflow("audit", "0 3 * * *"), workflow("other", "5 3 * * *")],
  });
  assert.deepEqual(lines, [
    "2026-11-23T03:00:42.000Z fire audit",
    "2026-11-23T03:00:43.000Z finish audit succeeded run-1",
  ]);
  assert.equal(summary.fired, 1);
  const none = await simulate({
    startMs: Date.parse("2026-11-23T03:01:00Z"),
    once: true,
    workflows: [workflow("audit", "0 3 * * *")],
  });
  assert.deepEqual(none.lines, []);
});

Deno.test("isDue and long waits: a yearly schedule sleeps in bounded steps", async () => {
  assert.equal(isDue(cron("0 3 * * *"), Date.parse("2026-11-23T03:00:59Z")), true);
  assert.equal(isDue(cron("0 3 * * *"), Date.parse("2026-11-23T03:01:00Z")), false);
  const { lines } = await simulate({
    startMs: Date.parse("2026-12-25T00:00:01Z"),
    untilMs: Date.parse("2027-01-02T00:00:00Z"),
    workflows: [workflow("yearly", "@yearly")],
  });
  assert.deepEqual(lines, [
    "2027-01-01T00:00:00.000Z fire yearly",
    "2027-01-01T00:00:01.000Z finish yearly succeeded run-1",
  ]);
});

Deno.test("aborting the signal stops firing; runs under way are waited for", async () => {
  const clock = createVirtualClock({ startMs: Date.parse("2026-11-23T10:00:00Z") });
  const controller = new AbortController();
  const fired: string[] = [];
  const summary = await runSchedule({
    workflows: [workflow("every", "* * * * *")],
    deps: clock,
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === "fire") fired.push(iso(e.timeMs));
    },
    runOnce: async () => {
      await clock.sleep(5_000);
      if (fired.length === 2) controller.abort();
      return { status: "succeeded" };
    },
  });
  assert.deepEqual(fired, ["2026-11-23T10:00:00.000Z", "2026-11-23T10:01:00.000Z"]);
  assert.equal(summary.succeeded, 2);
});
