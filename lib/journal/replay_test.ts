import assert from "node:assert/strict";
import type { RunEvent } from "./events.ts";
import { isUndone, leftToUndo, recordedSteps, replay, resumeState, stepCounts } from "./replay.ts";

const T = Date.UTC(2026, 0, 1);

/** A first session that crashed while `create` was in flight, then a resume that finished it. */
const firstSession: RunEvent[] = [
  {
    type: "run-started",
    timeMs: T,
    runId: "r",
    workflow: "wf",
    file: "/w.yaml",
    inputs: { n: 1n },
    stepIds: ["list", "gate", "create", "check"],
  },
  {
    type: "step-started",
    timeMs: T + 1,
    stepId: "list",
    kind: "action",
    action: "trocket.DescribeTopicList",
  },
  {
    type: "attempt-failed",
    timeMs: T + 2,
    stepId: "list",
    attempt: 1,
    error: { code: "RequestLimitExceeded", message: "slow down" },
    retryInMs: 100,
  },
  { type: "page-fetched", timeMs: T + 150, stepId: "list", page: 1, items: 20, total: 25 },
  { type: "page-fetched", timeMs: T + 160, stepId: "list", page: 2, items: 25, total: 25 },
  {
    type: "step-succeeded",
    timeMs: T + 170,
    stepId: "list",
    attempts: 3,
    durationMs: 169,
    requests: [{ Offset: 0n }, { Offset: 20n }],
    outputs: { TotalCount: 25n },
    requestId: "req-list",
  },
  { type: "step-skipped", timeMs: T + 171, stepId: "gate", reason: "when" },
  {
    type: "step-started",
    timeMs: T + 172,
    stepId: "create",
    kind: "action",
    action: "trocket.CreateTopic",
  },
];

Deno.test("replay: an interrupted run has the finished steps and the step in flight", () => {
  const state = replay(firstSession);
  assert.equal(state.status, "running");
  assert.equal(state.runId, "r");
  assert.deepEqual(state.inFlight, ["create"]);
  const [list, gate, create, check] = state.steps;
  assert.equal(list?.status, "succeeded");
  assert.equal(list?.attempts, 3);
  assert.equal(list?.pages, 2);
  assert.equal(list?.retries.length, 1);
  assert.equal(list?.retries[0]?.error.code, "RequestLimitExceeded");
  assert.deepEqual(list?.outputs, { TotalCount: 25n });
  assert.equal(list?.requestId, "req-list");
  assert.equal(gate?.status, "skipped");
  assert.equal(gate?.skipReason, "when");
  assert.equal(create?.status, "running");
  assert.equal(check?.status, "pending");
  assert.deepEqual(stepCounts(state), { succeeded: 1, skipped: 1, running: 1, pending: 1 });

  const resume = resumeState(state);
  assert.deepEqual([...resume.completed.keys()], ["list", "gate"]);
  assert.deepEqual(resume.inFlight, ["create"]);
  assert.deepEqual(recordedSteps(resume), {
    list: {
      status: "succeeded",
      outputs: { TotalCount: 25n },
      attempts: 3,
      request_id: "req-list",
    },
    gate: { status: "skipped", outputs: null, attempts: 0 },
  });
});

Deno.test("replay: a resume session keeps what earlier sessions recorded", () => {
  const events: RunEvent[] = [
    ...firstSession,
    {
      type: "run-started",
      timeMs: T + 5000,
      runId: "r",
      workflow: "wf",
      file: "/w.yaml",
      inputs: { n: 1n },
      stepIds: ["list", "gate", "create", "check"],
    },
    { type: "step-skipped", timeMs: T + 5001, stepId: "list", reason: "resumed" },
    { type: "step-skipped", timeMs: T + 5002, stepId: "gate", reason: "resumed" },
    {
      type: "step-started",
      timeMs: T + 5003,
      stepId: "create",
      kind: "action",
      action: "trocket.CreateTopic",
    },
    {
      type: "step-failed",
      timeMs: T + 5010,
      stepId: "create",
      attempts: 1,
      durationMs: 7,
      requests: [{ TopicName: "t" }],
      error: { code: "InvalidParameterValue", message: "bad" },
      continued: false,
    },
    { type: "step-skipped", timeMs: T + 5011, stepId: "check", reason: "not-reached" },
    {
      type: "run-finished",
      timeMs: T + 5012,
      runId: "r",
      status: "failed",
      durationMs: 12,
      outputs: {},
    },
  ];
  const state = replay(events);
  assert.equal(state.sessions, 2);
  assert.equal(state.status, "failed");
  assert.equal(state.finishedMs, T + 5012);
  assert.deepEqual(state.inFlight, []);
  assert.deepEqual(state.steps.map((s) => s.status), ["succeeded", "skipped", "failed", "skipped"]);
  assert.deepEqual(state.steps[0]?.outputs, { TotalCount: 25n });
  assert.equal(state.steps[2]?.tries, 2);
  assert.equal(state.steps[2]?.error?.code, "InvalidParameterValue");
  const resume = resumeState(state);
  // `check` was not reached: it is not complete, it runs on the next resume.
  assert.deepEqual([...resume.completed.keys()], ["list", "gate"]);
  assert.deepEqual(resume.failed, ["create"]);
  const texts = state.timeline.map((e) => e.text);
  assert.ok(texts.includes("run resumed (session 2)"));
  assert.ok(texts.includes("create failed: InvalidParameterValue: bad"));
  assert.equal(state.timeline.find((e) => e.type === "step-failed")?.severity, "error");
});

Deno.test("replay: uncertain steps and compensations", () => {
  const events: RunEvent[] = [
    {
      type: "run-started",
      timeMs: T,
      runId: "u",
      workflow: "wf",
      file: "/w.yaml",
      inputs: {},
      stepIds: ["plan", "bind"],
    },
    { type: "step-started", timeMs: T + 1, stepId: "plan", kind: "action" },
    {
      type: "step-succeeded",
      timeMs: T + 2,
      stepId: "plan",
      attempts: 1,
      durationMs: 1,
      requests: [{}],
      outputs: { Id: "p-1" },
    },
    { type: "step-started", timeMs: T + 3, stepId: "bind", kind: "action", items: 2 },
    { type: "foreach-progress", timeMs: T + 4, stepId: "bind", done: 1, failed: 0, total: 2 },
    {
      type: "step-uncertain",
      timeMs: T + 5,
      stepId: "bind",
      attempts: 2,
      durationMs: 2,
      requests: [{}, {}],
      error: { code: "E_NETWORK", message: "cut" },
    },
    {
      type: "run-finished",
      timeMs: T + 6,
      runId: "u",
      status: "failed",
      durationMs: 6,
      outputs: {},
    },
    { type: "undo-started", timeMs: T + 7, stepId: "plan", action: "apigateway.DeleteUsagePlan" },
    {
      type: "undo-succeeded",
      timeMs: T + 8,
      stepId: "plan",
      request: { UsagePlanId: "p-1" },
      requestId: "req-undo",
    },
  ];
  const state = replay(events);
  assert.deepEqual(resumeState(state).uncertain, ["bind"]);
  assert.deepEqual(state.steps[1]?.progress, { done: 1, failed: 0, total: 2 });
  assert.deepEqual(state.steps[0]?.undo, [{
    seq: 8,
    action: "apigateway.DeleteUsagePlan",
    status: "succeeded",
    startedMs: T + 7,
    finishedMs: T + 8,
    request: { UsagePlanId: "p-1" },
    requestId: "req-undo",
  }]);
  assert.equal(state.lastEventMs, T + 8);
  // The plan was compensated: resume creates it again instead of reusing deleted outputs.
  assert.equal(isUndone(state.steps[0]!), true);
  assert.deepEqual([...resumeState(state).completed.keys()], []);
  // Once it succeeds again, the old compensation no longer counts.
  const again = replay([
    ...events,
    {
      type: "run-started",
      timeMs: T + 9,
      runId: "u",
      workflow: "wf",
      file: "/w.yaml",
      inputs: {},
      stepIds: ["plan", "bind"],
    },
    { type: "step-started", timeMs: T + 10, stepId: "plan", kind: "action" },
    {
      type: "step-succeeded",
      timeMs: T + 11,
      stepId: "plan",
      attempts: 1,
      durationMs: 1,
      requests: [{}],
      outputs: { Id: "p-2" },
    },
  ]);
  assert.equal(isUndone(again.steps[0]!), false);
  assert.deepEqual(resumeState(again).completed.get("plan")?.outputs, { Id: "p-2" });
});

const started: RunEvent = {
  type: "run-started",
  timeMs: T,
  runId: "p",
  workflow: "wf",
  file: "/w.yaml",
  inputs: {},
  stepIds: ["make"],
};

Deno.test("replay: a step whose compensation is partly done is not undone (items each undone)", () => {
  const item = (index: number): RunEvent[] => [
    { type: "item-started", timeMs: T + 2, stepId: "make", index },
    {
      type: "item-finished",
      timeMs: T + 3,
      stepId: "make",
      index,
      status: "succeeded",
      attempts: 1,
      requests: [{}],
      outputs: { Id: `t-${index}` },
    },
  ];
  const events: RunEvent[] = [
    started,
    { type: "step-started", timeMs: T + 1, stepId: "make", kind: "action", items: 2 },
    ...item(0),
    ...item(1),
    {
      type: "step-succeeded",
      timeMs: T + 4,
      stepId: "make",
      attempts: 2,
      durationMs: 3,
      requests: [{}, {}],
      outputs: [{ Id: "t-0" }, { Id: "t-1" }],
    },
    { type: "undo-started", timeMs: T + 5, stepId: "make", action: "x.DeleteT", index: 1 },
    { type: "undo-succeeded", timeMs: T + 6, stepId: "make", index: 1, request: { Id: "t-1" } },
    { type: "undo-started", timeMs: T + 7, stepId: "make", action: "x.DeleteT", index: 0 },
    {
      type: "undo-failed",
      timeMs: T + 8,
      stepId: "make",
      index: 0,
      error: { code: "InternalError", message: "no" },
    },
  ];
  const state = replay(events);
  // Item 1 is undone, item 0 is not: the step is not undone, only item 0 is left to undo.
  assert.equal(isUndone(state.steps[0]!), false);
  assert.deepEqual(leftToUndo(state.steps[0]!), [0]);
  assert.deepEqual([...resumeState(state).completed.keys()], ["make"]);
  // A rollback run again that undoes item 0 finishes it.
  const finished = replay([
    ...events,
    { type: "undo-started", timeMs: T + 9, stepId: "make", action: "x.DeleteT", index: 0 },
    { type: "undo-succeeded", timeMs: T + 10, stepId: "make", index: 0, request: { Id: "t-0" } },
  ]);
  assert.equal(isUndone(finished.steps[0]!), true);
  assert.deepEqual(leftToUndo(finished.steps[0]!), []);
});

Deno.test("replay: a later success without a seal drops the stale seal of an earlier one (step and item)", () => {
  const seal = { iv: "aXY=", data: "b2xk" };
  const events: RunEvent[] = [
    started,
    { type: "step-started", timeMs: T + 1, stepId: "make", kind: "action", items: 1 },
    { type: "item-started", timeMs: T + 2, stepId: "make", index: 0 },
    {
      type: "item-finished",
      timeMs: T + 3,
      stepId: "make",
      index: 0,
      status: "succeeded",
      attempts: 1,
      requests: [{}],
      outputs: { Key: "***" },
      sealed: seal,
    },
    {
      type: "step-succeeded",
      timeMs: T + 4,
      stepId: "make",
      attempts: 1,
      durationMs: 3,
      requests: [{}],
      outputs: [{ Key: "***" }],
      sealed: seal,
    },
  ];
  const first = replay(events);
  assert.deepEqual(first.steps[0]?.sealed, seal);
  assert.deepEqual(resumeState(first).completed.get("make")?.sealed, seal);
  // Undone, then run again: the new answers held no secret, so nothing was sealed.
  const again = replay([
    ...events,
    { type: "undo-started", timeMs: T + 5, stepId: "make", action: "x.DeleteT", index: 0 },
    { type: "undo-succeeded", timeMs: T + 6, stepId: "make", index: 0, request: {} },
    { type: "step-started", timeMs: T + 7, stepId: "make", kind: "action", items: 1 },
    { type: "item-started", timeMs: T + 8, stepId: "make", index: 0 },
    {
      type: "item-finished",
      timeMs: T + 9,
      stepId: "make",
      index: 0,
      status: "succeeded",
      attempts: 1,
      requests: [{}],
      outputs: { Key: "plain" },
    },
    {
      type: "step-succeeded",
      timeMs: T + 10,
      stepId: "make",
      attempts: 1,
      durationMs: 3,
      requests: [{}],
      outputs: [{ Key: "plain" }],
    },
  ]);
  assert.equal(again.steps[0]?.sealed, undefined);
  // The first try is kept as an earlier try, with its times and outputs.
  const [earlier] = again.steps[0]?.earlier ?? [];
  assert.equal(again.steps[0]?.earlier.length, 1);
  assert.equal(earlier?.status, "succeeded");
  assert.equal(earlier?.startedMs, T + 1);
  assert.equal(earlier?.finishedMs, T + 4);
  assert.equal(earlier?.undone, true);
  assert.deepEqual(earlier?.outputs, [{ Key: "***" }]);
  assert.equal(again.steps[0]?.itemRecords[0]?.sealed, undefined);
  const done = resumeState(again).completed.get("make");
  assert.deepEqual(done?.outputs, [{ Key: "plain" }]);
  assert.equal(done?.sealed, undefined);
});

Deno.test("replay: a session started after the run finished makes it running again; the timeline counts attempts", () => {
  const finished: RunEvent[] = [
    ...firstSession.slice(0, 6),
    {
      type: "run-finished",
      timeMs: T + 180,
      runId: "r",
      status: "failed",
      durationMs: 180,
      outputs: {},
    },
  ];
  assert.equal(replay(finished).status, "failed");
  const resumed = replay([
    ...finished,
    {
      type: "run-started",
      timeMs: T + 500,
      runId: "r",
      workflow: "wf",
      file: "/w.yaml",
      inputs: { n: 1n },
      stepIds: ["list", "gate", "create", "check"],
    },
    {
      type: "step-started",
      timeMs: T + 501,
      stepId: "create",
      kind: "action",
      action: "trocket.CreateTopic",
    },
    {
      type: "step-succeeded",
      timeMs: T + 502,
      stepId: "create",
      attempts: 1,
      durationMs: 1,
      requests: [{}],
      outputs: {},
    },
  ]);
  assert.equal(resumed.status, "running");
  assert.deepEqual(
    resumed.timeline.filter((t) => t.type === "step-succeeded").map((t) => t.text),
    ["list succeeded (3 attempts)", "create succeeded (1 attempt)"],
  );
});
