import assert from "node:assert/strict";
import type { RunEvent } from "../journal/events.ts";
import type { RunRecord } from "../journal/store.ts";
import { renderHtml } from "./html.ts";
import { renderMarkdown } from "./markdown.ts";

const T = Date.UTC(2026, 10, 23, 10, 45, 12);
const EVIL = '<script>alert("x")</script>';

function record(): RunRecord {
  const events: RunEvent[] = [
    {
      type: "run-started",
      timeMs: T,
      runId: "20261123T104512Z-abc123",
      workflow: "migration",
      file: "/w/migration.yaml",
      inputs: { taskId: "task-1", apiKey: "***" },
      stepIds: ["topics", "plan", "check"],
    },
    {
      type: "step-started",
      timeMs: T + 10,
      stepId: "topics",
      kind: "action",
      action: "trocket.DescribeTopicList",
    },
    {
      type: "attempt-failed",
      timeMs: T + 20,
      stepId: "topics",
      attempt: 1,
      error: { code: "RequestLimitExceeded", message: "too many requests" },
      retryInMs: 400,
    },
    {
      type: "step-succeeded",
      timeMs: T + 450,
      stepId: "topics",
      attempts: 2,
      durationMs: 440,
      requests: [{ InstanceId: "rmq-1", Limit: 20n }],
      outputs: {
        TotalCount: 2n,
        Data: [
          { Topic: "orders", QueueNum: 8n, Remark: EVIL },
          { Topic: "payments", QueueNum: 18446744073709551615n, Tags: ["a|b"] },
        ],
      },
      requestId: "req-topics",
    },
    {
      type: "step-started",
      timeMs: T + 460,
      stepId: "plan",
      kind: "action",
      action: "apigateway.CreateUsagePlan",
    },
    {
      type: "step-failed",
      timeMs: T + 500,
      stepId: "plan",
      attempts: 1,
      durationMs: 40,
      requests: [{ UsagePlanName: "migrated-task-1", MaxRequestNum: -1n }],
      error: {
        code: "InvalidParameterValue",
        message: `name ${EVIL} is bad`,
        requestId: "req-plan",
      },
      continued: false,
    },
    { type: "step-skipped", timeMs: T + 501, stepId: "check", reason: "not-reached" },
    {
      type: "run-finished",
      timeMs: T + 502,
      runId: "20261123T104512Z-abc123",
      status: "failed",
      durationMs: 502,
      outputs: {},
    },
  ];
  return {
    meta: {
      format: 1,
      runId: "20261123T104512Z-abc123",
      workflow: "migration",
      file: "/w/migration.yaml",
      workflowSource: "",
      workflowSha256: "",
      startedMs: T,
      inputs: { taskId: "task-1", apiKey: "***" },
      secretInputNames: ["apiKey"],
    },
    events,
    ignoredLines: 0,
    locked: false,
  };
}

Deno.test("markdown report: summary, steps with request and response, retries, errors, timeline", () => {
  const md = renderMarkdown(record());
  assert.match(md, /^# Run `20261123T104512Z-abc123`: migration/);
  assert.match(md, /\| Status \| \*\*failed\*\* \|/);
  assert.match(md, /\| Started \| 2026-11-23 10:45:12\.000 UTC \|/);
  assert.match(md, /\| Duration \| 502 ms \|/);
  assert.match(md, /\| Steps \| 1 succeeded, 1 failed, 1 skipped \|/);
  assert.match(md, /\| `apiKey` \| \*\*\* \|/);
  assert.match(md, /### 1\. `topics`: ✓ succeeded/);
  assert.match(md, /action `trocket.DescribeTopicList` · 2 requests · 440 ms/);
  assert.match(
    md,
    /\| \+0\.020 s \| 1 \| {2}\| `RequestLimitExceeded` \| too many requests \| in 400 ms \|/,
  );
  assert.match(md, /"QueueNum": 18446744073709551615/); // exact uint64
  assert.match(md, /### 2\. `plan`: ✗ failed/);
  assert.match(md, /> \*\*Error `InvalidParameterValue`\*\* \(request id `req-plan`\)/);
  assert.match(md, /### 3\. `check`: – skipped \(not reached\)/);
  assert.match(md, /## Timeline/);
  assert.match(md, /\| 10:45:12\.500 \| \+0\.500 s \| ✗ plan failed: InvalidParameterValue/);
  // Raw HTML from a recorded value is neutralised outside code blocks.
  const outsideCode = md.replace(/```+json\n[\s\S]*?\n```+/g, "");
  assert.equal(outsideCode.includes("<script>"), false);
});

Deno.test("html report: self-contained, escaped, tables of arrays, errors highlighted", () => {
  const html = renderHtml(record());
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<style>/);
  assert.equal(/<script/i.test(html), false, "no script element, not even from recorded values");
  assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
  assert.equal(/\b(src|href)=/i.test(html), false, "no external resources");
  // The Data array of objects is a table with one column per key.
  assert.match(
    html,
    /<tr><th>#<\/th><th>Topic<\/th><th>QueueNum<\/th><th>Remark<\/th><th>Tags<\/th><\/tr>/,
  );
  assert.match(html, /<td>1<\/td><td>payments<\/td><td><code>18446744073709551615<\/code><\/td>/);
  assert.match(html, /<div class="error" role="alert"><strong>InvalidParameterValue<\/strong>/);
  assert.match(html, /<section class="step failed" id="step-plan">/);
  assert.match(html, /<tr class="warn"><td>\+0\.020 s<\/td><td>1<\/td>/);
  assert.match(html, /<span class="badge failed">failed<\/span>/);
  assert.match(html, /<tr class="error"><td>10:45:12\.500<\/td>/);
});

Deno.test("reports: an interrupted run shows the step in flight", () => {
  const r = record();
  r.events = r.events.slice(0, 5); // stopped while `plan` ran
  const md = renderMarkdown(r);
  assert.match(md, /\| Status \| \*\*interrupted\*\* \|/);
  assert.match(md, /\| In flight \| `plan` \|/);
  assert.match(md, /### 2\. `plan`: … running/);
  const html = renderHtml({ ...r, locked: true });
  assert.match(html, /<span class="badge running">running<\/span>/);
});
