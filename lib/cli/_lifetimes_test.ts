/**
 * `resume` warns `W_EXPIRED` when it would reuse a value older than the lifetime its
 * documentation gives (the catalog's `Field.lifetime`, `lib/catalog/data/lifetimes.json`).
 */
import assert from "node:assert/strict";
import { findAction } from "../catalog/catalog.ts";
import type { RunEvent } from "../journal/events.ts";
import { replay, resumeState } from "../journal/replay.ts";
import { parseWorkflow } from "../workflow/parse.ts";
import { runCli } from "../../test/_cli.ts";
import { expiredValues } from "./_lifetimes.ts";

const T0 = Date.UTC(2026, 0, 15, 8, 0, 0);
const MIN = 60_000;

Deno.test("the lifetimes come from the documentation (emr 5 min, cfs 2 h, cls Context 1 h)", () => {
  const token = (service: string, action: string) =>
    findAction(service, action)?.inputs.find((f) => f.name === "ClientToken")?.lifetime;
  assert.deepEqual(token("emr", "ScaleOutCluster"), { seconds: 300, doc: "时效5分钟" });
  assert.deepEqual(token("cfs", "CreateCfsFileSystem"), { seconds: 7200, doc: "失效时间为2小时" });
  assert.equal(token("cvm", "RunInstances"), undefined); // no documented lifetime
  const context = findAction("cls", "GetAlarmLog")?.inputs.find((f) => f.name === "Context");
  assert.equal(context?.lifetime?.seconds, 3600);
  const table = JSON.parse(
    Deno.readTextFileSync(new URL("../catalog/data/lifetimes.json", import.meta.url)),
  ) as { count: number; fields: Array<{ field: string; seconds: number }> };
  assert.equal(table.fields.length, table.count);
  assert.ok(
    table.fields.some((f) => f.field === "emr/2019-01-03 ScaleOutCluster(request).ClientToken"),
  );
});

const WF = `tcflow: 1
name: late
steps:
  - id: scale
    action: emr.ScaleOutCluster
    with: { InstanceId: emr-1, InstanceChargeType: POSTPAID_BY_HOUR }
  - id: logs
    action: cls.GetAlarmLog
    with: { From: 0, To: 1, Query: "*" }
    paginate: true
`;

function state(events: RunEvent[]) {
  const s = replay(events, { runId: "r1", startedMs: T0 });
  return { s, resume: resumeState(s) };
}

Deno.test("a ClientToken sent again past its window, a paging Context past its hour", () => {
  const wf = parseWorkflow(WF, "late.yaml").workflow!;
  const { s, resume } = state([
    {
      type: "run-started",
      timeMs: T0,
      runId: "r1",
      workflow: "late",
      file: "late.yaml",
      inputs: {},
      stepIds: ["scale", "logs"],
    },
    {
      type: "step-started",
      timeMs: T0,
      stepId: "scale",
      kind: "action",
      action: "emr.ScaleOutCluster",
    },
    {
      type: "step-started",
      timeMs: T0 + MIN,
      stepId: "logs",
      kind: "action",
      action: "cls.GetAlarmLog",
    },
    {
      type: "page-fetched",
      timeMs: T0 + MIN,
      stepId: "logs",
      page: 1,
      items: 1,
      list: [{}],
      next: { Context: "c-1" },
    },
  ]);
  assert.deepEqual(expiredValues(wf, s, resume, T0 + 4 * MIN), []); // within both
  const late = expiredValues(wf, s, resume, T0 + 90 * MIN);
  assert.equal(late.length, 2, late.join("\n"));
  assert.match(
    late[0]!,
    /^step `scale` \(emr\.ScaleOutCluster\) sent its ClientToken 90 min ago; the documentation gives it 5 min \(“时效5分钟”\): sent again now, the API may not know it and apply the request twice$/,
  );
  assert.match(
    late[1]!,
    /^step `logs` \(cls\.GetAlarmLog\) stopped in its pages 89 min ago; its `Context` is good for 60 min/,
  );
});

Deno.test("resume warns W_EXPIRED for an answered URL past its lifetime that a later step reads", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-lifetimes-" });
  try {
    const file = `${dir}/img.yaml`;
    await Deno.writeTextFile(
      file,
      `tcflow: 1
name: img
inputs:
  go: { type: boolean, default: false }
steps:
  - id: img
    action: aiart.TextToImageLite
    with: { Prompt: a cat }
  - id: use
    assert: \${{ inputs.go && steps.img.outputs.ResultImage != "" }}
`,
    );
    let now = T0;
    const deps = { now: () => now };
    const args = ["--emulator", "--state-dir", `${dir}/state`, "--json"];
    const first = await runCli(["run", file, ...args], { deps });
    assert.equal(first.code, 1, first.stderr);
    const runId = (JSON.parse(first.stdout) as { run_id: string }).run_id;
    now = T0 + 30 * MIN;
    const soon = await runCli(["resume", runId, ...args], { deps });
    assert.doesNotMatch(soon.stderr, /W_EXPIRED/);
    now = T0 + 3 * 60 * MIN;
    const late = await runCli(["resume", runId, ...args], { deps });
    assert.match(
      late.stderr,
      /warning W_EXPIRED: step `img` \(aiart\.TextToImageLite\) answered `ResultImage` 3 h ago; the documentation gives it 60 min \(“有效期1小时”\): steps that use it now may fail/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
