import assert from "node:assert/strict";
import type { RunEvent } from "../journal/events.ts";
import { formatDuration, formatSummary, progressSink } from "./_progress.ts";

async function lines(events: RunEvent[]): Promise<string[]> {
  let text = "";
  const sink = progressSink({ write: (t) => void (text += t), color: false });
  for (const event of events) await sink.append(event);
  return text.trimEnd().split("\n");
}

Deno.test("progress: retries, foreach and pages, each step's line", async () => {
  const out = await lines([
    {
      type: "run-started",
      timeMs: 0,
      runId: "r1",
      workflow: "wf",
      file: "wf.yaml",
      inputs: {},
      stepIds: ["a", "b", "c", "d"],
    },
    { type: "step-started", timeMs: 0, stepId: "a", kind: "action", action: "trocket.CreateTopic" },
    {
      type: "attempt-failed",
      timeMs: 5,
      stepId: "a",
      attempt: 1,
      error: { code: "RequestLimitExceeded", message: "slow" },
      retryInMs: 1500,
    },
    {
      type: "step-succeeded",
      timeMs: 2000,
      stepId: "a",
      attempts: 2,
      durationMs: 2000,
      requests: [],
      outputs: {},
    },
    {
      type: "step-started",
      timeMs: 0,
      stepId: "b",
      kind: "action",
      action: "apigateway.BindEnvironment",
      items: 2,
    },
    { type: "foreach-progress", timeMs: 1, stepId: "b", done: 0, failed: 0, total: 2 },
    { type: "foreach-progress", timeMs: 2, stepId: "b", done: 2, failed: 1, total: 2 },
    {
      type: "step-failed",
      timeMs: 3,
      stepId: "b",
      attempts: 3,
      durationMs: 70,
      requests: [],
      error: { code: "InvalidParameter", message: "item 1: bad" },
      continued: true,
    },
    {
      type: "step-started",
      timeMs: 0,
      stepId: "c",
      kind: "action",
      action: "trocket.DescribeTopicList",
    },
    { type: "page-fetched", timeMs: 1, stepId: "c", page: 1, items: 100, total: 150 },
    { type: "page-fetched", timeMs: 2, stepId: "c", page: 2, items: 150, total: 150 },
    {
      type: "step-succeeded",
      timeMs: 3,
      stepId: "c",
      attempts: 2,
      durationMs: 3,
      requests: [],
      outputs: {},
    },
    { type: "step-started", timeMs: 0, stepId: "d", kind: "set" },
    {
      type: "step-succeeded",
      timeMs: 0,
      stepId: "d",
      attempts: 0,
      durationMs: 0,
      requests: [],
      outputs: {},
    },
  ]);
  assert.deepEqual(out, [
    "▶ run r1: wf (4 steps)",
    "  ↻ a: attempt 1 failed (RequestLimitExceeded); retrying in 1.5s",
    "✓ a  trocket.CreateTopic  2 attempts  2.0s",
    "  … b: 2/2 items, 1 failed",
    "✗ b  apigateway.BindEnvironment  failed after 2 items · 3 requests  70ms",
    "    InvalidParameter: item 1: bad (on_error: continue)",
    "  … c: page 1, 100/150 items",
    "  … c: page 2, 150/150 items",
    "✓ c  trocket.DescribeTopicList  2 pages · 2 requests  3ms",
    "✓ d  0ms",
  ]);
});

Deno.test("durations and the summary", () => {
  assert.equal(formatDuration(950), "950ms");
  assert.equal(formatDuration(12_340), "12.3s");
  assert.equal(formatDuration(125_000), "2m5s");
  const summary = formatSummary(
    {
      run_id: "r1",
      status: "failed",
      outputs: {},
      steps: [
        { id: "a", status: "succeeded", attempts: 1, outputs: {} },
        { id: "b", status: "uncertain", attempts: 1, outputs: null },
        { id: "c", status: "skipped", attempts: 0, outputs: null },
      ],
    },
    1500,
    false,
  );
  assert.equal(summary, "run r1 FAILED in 1.5s: 1 succeeded, 1 uncertain, 1 skipped\n");
});
