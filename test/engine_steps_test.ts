/**
 * Step semantics against the real emulator (in-process, virtual clock): `on_error`, rollback
 * order, pagination, polling, `foreach` bounds, dry run, exact 64-bit integers, `when`, `set`,
 * `assert`, outputs and resume.
 */
import assert from "node:assert/strict";
import { createEmulator } from "../lib/emulator/emulator.ts";
import { parseInputFlags } from "../lib/workflow/inputs.ts";
import { stringifyJson } from "../lib/json.ts";
import { MemorySink } from "../lib/journal/events.ts";
import { createRateLimiter } from "../lib/engine/rate_limiter.ts";
import { rollbackWorkflow } from "../lib/engine/rollback.ts";
import { testEngine, topicsOf, workflowOf } from "./_engine.ts";

const TARGET = "rmq-72mo3a9o";
const EXISTING = "rmq-2x9f8k1p";

type TrocketState = {
  instances: Array<{ InstanceId: string; topics: Array<Record<string, unknown>> }>;
};

/** The demo trocket state with extra topics on the target instance. */
function stateWithTopics(topics: Array<Record<string, unknown>>): unknown {
  const trocket = createEmulator().state().trocket as TrocketState;
  const target = trocket.instances.find((i) => i.InstanceId === TARGET)!;
  target.topics = topics;
  return { trocket };
}

function topic(name: string, extra: Record<string, unknown> = {}) {
  return {
    Topic: name,
    TopicType: "NORMAL",
    QueueNum: 3,
    Remark: "",
    MsgTTL: 72,
    CreatedTime: 1714521600000,
    TagList: [],
    ...extra,
  };
}

Deno.test("on_error: continue records the failure and goes on", async () => {
  const engine = testEngine();
  const { result, sink } = await engine.run(`
tcflow: 1
name: continue
steps:
  - id: missing
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-doesnotexist }
    on_error: continue
  - id: after
    set:
      seen: \${{ steps.missing.status }}
outputs:
  seen: \${{ steps.after.outputs.seen }}
`);
  assert.equal(result.status, "succeeded");
  assert.equal(result.steps[0]?.status, "failed");
  assert.match(result.steps[0]?.error?.code ?? "", /^ResourceNotFound/);
  assert.deepEqual(result.steps[1], {
    id: "after",
    status: "succeeded",
    attempts: 0,
    outputs: { seen: "failed" },
  });
  assert.deepEqual(result.outputs, { seen: "failed" });
  assert.equal(sink.ofType("step-failed")[0]?.continued, true);
});

Deno.test("rollback: on_failure undoes succeeded steps in reverse order", async () => {
  const engine = testEngine();
  const { result, sink } = await engine.run(`
tcflow: 1
name: rollback
rollback: on_failure
steps:
  - id: one
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: one-topic, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: "\${{ steps.one.outputs.Topic }}" }
  - id: many
    action: trocket.CreateTopic
    foreach: \${{ ["many-a", "many-b"] }}
    with: { InstanceId: ${TARGET}, Topic: "\${{ item }}", TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: "\${{ item }}" }
  - id: no_undo
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
  - id: check
    assert: \${{ steps.no_undo.outputs.TotalCount > 10 }}
    message: fewer topics than expected
`);
  assert.equal(result.status, "rolled_back");
  assert.deepEqual(result.steps.at(-1)?.error, {
    code: "E_ASSERT",
    message: "fewer topics than expected",
  });
  const deletes = engine.emulator.calls().filter((c) => c.action === "DeleteTopic");
  assert.deepEqual(deletes.map((c) => (c.params as { Topic: string }).Topic), [
    "many-b",
    "many-a",
    "one-topic",
  ]);
  assert.ok(deletes.every((c) => c.outcome === "ok"));
  assert.deepEqual(topicsOf(engine.emulator, TARGET), []);
  assert.equal(sink.ofType("undo-succeeded").length, 3);
});

Deno.test("no rollback without rollback: on_failure", async () => {
  const engine = testEngine();
  const { result } = await engine.run(`
tcflow: 1
name: manual
steps:
  - id: one
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: kept-topic, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: kept-topic }
  - id: check
    assert: \${{ false }}
`);
  assert.equal(result.status, "failed");
  assert.deepEqual(topicsOf(engine.emulator, TARGET), ["kept-topic"]);
});

Deno.test("pagination follows Offset/Limit over 1,050 items", async () => {
  const topics = Array.from(
    { length: 1050 },
    (_, i) => topic(`topic-${String(i).padStart(4, "0")}`),
  );
  const engine = testEngine({ emulator: { data: stateWithTopics(topics) } });
  const { result, sink } = await engine.run(`
tcflow: 1
name: pages
steps:
  - id: all
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET}, Limit: 100 }
    paginate: true
outputs:
  count: \${{ size(steps.all.outputs.Data) }}
  last: \${{ steps.all.outputs.Data[1049].Topic }}
`);
  assert.equal(result.status, "succeeded");
  assert.deepEqual(result.outputs, { count: 1050n, last: "topic-1049" });
  const outputs = result.steps[0]?.outputs as { TotalCount: bigint; Data: unknown[] };
  assert.equal(outputs.TotalCount, 1050n);
  const offsets = engine.emulator.calls().map((c) => (c.params as { Offset: number }).Offset);
  assert.deepEqual(offsets, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  assert.equal(sink.ofType("page-fetched").length, 11);
  assert.equal(result.steps[0]?.attempts, 11);
});

Deno.test("pagination follows a list inside Result (apigateway DescribeServicesStatus)", async () => {
  const engine = testEngine();
  const { result } = await engine.run(
    `
tcflow: 1
name: wrapped-pages
region: ap-guangzhou
inputs:
  names: { type: list }
steps:
  - id: create
    action: apigateway.CreateService
    foreach: \${{ inputs.names }}
    concurrency: 4
    with: { ServiceName: "\${{ item }}", Protocol: http }
  - id: all
    action: apigateway.DescribeServicesStatus
    with: { Limit: 10 }
    paginate: true
outputs:
  total: \${{ steps.all.outputs.Result.TotalCount }}
  listed: \${{ size(steps.all.outputs.Result.ServiceSet) }}
  created: \${{ steps.all.outputs.Result.ServiceSet.filter(s, s.ServiceName.startsWith("pg-")).size() }}
`,
    { inputs: { names: Array.from({ length: 24 }, (_, i) => `pg-${i}`) } },
  );
  assert.equal(result.status, "succeeded", JSON.stringify(result.steps.at(-1)?.error));
  // 24 created and the demo data's service: 25 in 3 pages of 10.
  assert.deepEqual(result.outputs, { total: 25n, listed: 25n, created: 24n });
  const pages = engine.emulator.calls().filter((c) => c.action === "DescribeServicesStatus");
  assert.deepEqual(pages.map((c) => (c.params as { Offset: number }).Offset), [0, 10, 20]);
});

Deno.test("until + poll: re-runs the action until the condition holds", async () => {
  let lists = 0;
  // Another actor creates two topics right after the third poll was answered.
  const engine = testEngine({
    wrapFetch: (handle) => async (request) => {
      const action = request.headers.get("x-tc-action");
      const response = await handle(request);
      if (action === "DescribeTopicList" && ++lists === 3) {
        engine.clock.hold(); // no time passes until the topics exist
        for (const name of ["late-a", "late-b"]) {
          await engine.client.call("trocket", "CreateTopic", "2023-03-08", "ap-guangzhou", {
            InstanceId: TARGET,
            Topic: name,
            TopicType: "NORMAL",
            QueueNum: 3,
          });
        }
        engine.clock.release();
      }
      return response;
    },
  });
  const startMs = engine.clock.now();
  const { result, sink } = await engine.run(`
tcflow: 1
name: poll
steps:
  - id: wait
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
    until: \${{ steps.wait.outputs.TotalCount >= 2 }}
    poll: { interval: 5s, timeout: 1m }
`);
  assert.equal(result.status, "succeeded");
  assert.equal((result.steps[0]?.outputs as { TotalCount: bigint }).TotalCount, 2n);
  assert.equal(result.steps[0]?.attempts, 4); // polls at 0, 5, 10 and 15 s
  assert.deepEqual(sink.ofType("poll-waiting").map((e) => e.poll), [1, 2, 3]);
  assert.ok(engine.clock.now() - startMs >= 15_000);
});

Deno.test("until + poll: fails after the poll timeout", async () => {
  const engine = testEngine();
  const { result } = await engine.run(`
tcflow: 1
name: poll-timeout
steps:
  - id: wait
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
    until: \${{ steps.wait.outputs.TotalCount > 0 }}
    poll: { interval: 5s, timeout: 12s }
`);
  assert.equal(result.status, "failed");
  assert.equal(result.steps[0]?.error?.code, "E_POLL_TIMEOUT");
  assert.equal(result.steps[0]?.attempts, 3);
});

Deno.test("foreach never exceeds its concurrency nor the rate limit", async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const engine = testEngine({
    emulator: { faults: "latency=1:100ms;actions=CreateTopic" },
    wrapFetch: (handle) => async (request) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await handle(request);
      } finally {
        inFlight--;
      }
    },
  });
  const { result, sink } = await engine.run(`
tcflow: 1
name: bounded
steps:
  - id: create
    action: trocket.CreateTopic
    foreach: \${{ [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39].map(i, "bulk-" + string(i)) }}
    concurrency: 5
    with: { InstanceId: ${TARGET}, Topic: "\${{ item }}", TopicType: NORMAL, QueueNum: 3 }
`);
  assert.equal(result.status, "succeeded");
  assert.ok(maxInFlight <= 5, `max in flight ${maxInFlight}`);
  assert.ok(maxInFlight >= 2, `calls did overlap (${maxInFlight})`);
  const calls = engine.emulator.calls();
  assert.equal(calls.length, 40);
  assert.ok(calls.every((c) => c.outcome === "ok"), "never throttled");
  // CreateTopic allows 20 per second: no 1-second window holds more.
  const times = calls.map((c) => c.timeMs).sort((a, b) => a - b);
  for (let i = 20; i < times.length; i++) {
    assert.ok(times[i]! - times[i - 20]! >= 1000, `calls ${i - 20}..${i} within 1 s`);
  }
  assert.equal(topicsOf(engine.emulator, TARGET).length, 40);
  const started = sink.ofType("step-started")[0];
  assert.equal(started?.items, 40);
  assert.equal(started?.region, "ap-guangzhou");
  assert.equal(started?.action, "trocket.CreateTopic");
  const progress = sink.ofType("foreach-progress");
  assert.deepEqual(progress.at(-1), { ...progress.at(-1), done: 40, total: 40, failed: 0 });
});

Deno.test("dry run with live reads sends no mutating request", async () => {
  const engine = testEngine();
  const text = await Deno.readTextFile(
    new URL("../workflows/rocketmq-smooth-migration.yaml", import.meta.url),
  );
  const inputs = parseInputFlags([], undefined, workflowOf(text).inputs);
  const { result } = await engine.run(text, { dryRun: true, liveReads: true, inputs });
  assert.equal(result.status, "succeeded");
  const calls = engine.emulator.calls();
  assert.ok(calls.length > 0, "read-only actions were executed");
  for (const call of calls) assert.match(call.action, /^(Describe|List|Get|Query|Check|Inquiry)/);
  assert.deepEqual(topicsOf(engine.emulator, TARGET), []);
});

Deno.test("a uint64 from a response reaches a later request unchanged", async () => {
  const big = 18446744073709551615n;
  const engine = testEngine({
    emulator: { data: stateWithTopics([topic("big-ttl", { MsgTTL: big })]) },
  });
  const { result } = await engine.run(`
tcflow: 1
name: int64
steps:
  - id: read
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
  - id: write
    action: trocket.ModifyTopic
    with:
      InstanceId: ${TARGET}
      Topic: big-ttl
      MsgTTL: \${{ steps.read.outputs.Data[0].MsgTTL }}
    on_error: continue
outputs:
  ttl: \${{ steps.read.outputs.Data[0].MsgTTL }}
`);
  assert.equal(result.outputs.ttl, big);
  const modify = engine.emulator.calls().find((c) => c.action === "ModifyTopic");
  assert.equal((modify?.params as { MsgTTL: unknown }).MsgTTL, big);
});

Deno.test("when: false skips the step; set and assert steps; resume reuses outputs", async () => {
  const engine = testEngine();
  const text = `
tcflow: 1
name: kinds
inputs:
  create: { type: boolean, default: false }
  minimum: { type: integer, default: 1 }
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${EXISTING} }
  - id: create
    action: trocket.CreateTopic
    when: \${{ inputs.create }}
    with: { InstanceId: ${EXISTING}, Topic: never-made, TopicType: NORMAL, QueueNum: 3 }
  - id: names
    set:
      count: \${{ steps.list.outputs.TotalCount }}
      created: \${{ steps.create.status }}
  - id: check
    assert: \${{ steps.names.outputs.count >= inputs.minimum }}
outputs:
  count: \${{ steps.names.outputs.count }}
`;
  const first = await engine.run(text, { inputs: { create: false, minimum: 1000n } });
  assert.equal(first.result.status, "failed");
  assert.deepEqual(first.result.steps.map((s) => s.status), [
    "succeeded",
    "skipped",
    "succeeded",
    "failed",
  ]);
  assert.equal((first.result.steps[2]?.outputs as { created: string }).created, "skipped");
  assert.equal(first.result.steps[3]?.error?.code, "E_ASSERT");
  assert.equal(engine.emulator.calls().length, 1);

  // Resume with a lower minimum: the finished steps are not sent again.
  const recorded = Object.fromEntries(first.result.steps.map((s) => [s.id, s]));
  const second = await engine.run(text, {
    inputs: { create: false, minimum: 1n },
    resume: recorded,
  });
  assert.equal(second.result.status, "succeeded");
  assert.equal(engine.emulator.calls().length, 1);
  assert.ok(typeof second.result.outputs.count === "bigint" && second.result.outputs.count > 0n);
  assert.equal(second.sink.ofType("step-skipped").filter((e) => e.reason === "resumed").length, 3);
});

Deno.test("ClientToken is stable for a (run, step, item) and differs between items", async () => {
  const { clientTokenFor } = await import("../lib/engine/client_token.ts");
  const a = await clientTokenFor({ runId: "r1", stepId: "create", index: 0 });
  assert.equal(a, await clientTokenFor({ runId: "r1", stepId: "create", index: 0 }));
  assert.notEqual(a, await clientTokenFor({ runId: "r1", stepId: "create", index: 1 }));
  assert.notEqual(a, await clientTokenFor({ runId: "r2", stepId: "create", index: 0 }));
  assert.notEqual(a, await clientTokenFor({ runId: "r1", stepId: "create" }));
  assert.match(a, /^tcf-[0-9a-f]{60}$/);
});

Deno.test("rollbackWorkflow undoes a recorded run's succeeded steps, newest first", async () => {
  const engine = testEngine();
  const text = `
tcflow: 1
name: to-roll-back
steps:
  - id: first
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: first-topic, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: "\${{ steps.first.outputs.Topic }}" }
  - id: second
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: second-topic, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: "\${{ steps.second.outputs.Topic }}" }
`;
  const { result } = await engine.run(text);
  assert.equal(result.status, "succeeded");
  assert.deepEqual(topicsOf(engine.emulator, TARGET), ["first-topic", "second-topic"]);
  const sink = new MemorySink();
  const undone = await rollbackWorkflow(workflowOf(text), {
    recorded: Object.fromEntries(result.steps.map((s) => [s.id, s])),
    inputs: {},
    deps: engine.deps,
    client: engine.client,
    rateLimiter: createRateLimiter({ deps: engine.deps }),
    runId: result.run_id,
    region: "ap-guangzhou",
    sink,
  });
  assert.deepEqual(undone.map((u) => [u.stepId, u.status]), [["second", "succeeded"], [
    "first",
    "succeeded",
  ]]);
  assert.deepEqual(topicsOf(engine.emulator, TARGET), []);
  assert.deepEqual(sink.events.map((e) => e.type), [
    "undo-started",
    "undo-succeeded",
    "undo-started",
    "undo-succeeded",
    "rollback-finished",
  ]);
});

Deno.test("stopAfter runs one cell at a time (notebook mode) with resume", async () => {
  const engine = testEngine();
  const text = `
tcflow: 1
name: cells
steps:
  - id: first
    action: trocket.DescribeTopicList
    with: { InstanceId: ${EXISTING} }
  - id: second
    set: { total: "\${{ steps.first.outputs.TotalCount }}" }
  - id: third
    set: { again: "\${{ steps.second.outputs.total }}" }
`;
  const one = await engine.run(text, { stopAfter: "first" });
  assert.deepEqual(one.result.steps.map((s) => s.status), ["succeeded", "skipped", "skipped"]);
  assert.equal(one.result.status, "succeeded");
  const recorded = { first: one.result.steps[0]! };
  const two = await engine.run(text, { resume: recorded, stopAfter: "second" });
  assert.deepEqual(two.result.steps.map((s) => s.status), ["succeeded", "succeeded", "skipped"]);
  assert.equal(engine.emulator.calls().length, 1);
  const total = (one.result.steps[0]?.outputs as { TotalCount: bigint }).TotalCount;
  assert.deepEqual(two.result.steps[1]?.outputs, { total });
});

Deno.test("resume: a step in flight when the run died is sent again only when safe", async () => {
  const engine = testEngine();
  const text = `
tcflow: 1
name: in-flight
steps:
  - id: read
    action: trocket.DescribeTopicList
    with: { InstanceId: ${EXISTING} }
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: maybe-made, TopicType: NORMAL, QueueNum: 3 }
`;
  const { result } = await engine.run(text, { inFlight: ["read", "create"] });
  assert.equal(result.status, "uncertain");
  assert.equal(result.steps[0]?.status, "succeeded"); // a read is safe to send again
  assert.equal(result.steps[1]?.status, "uncertain");
  assert.equal(result.steps[1]?.error?.code, "E_INTERRUPTED");
  assert.match(result.steps[1]?.error?.message ?? "", /check with trocket\.DescribeTopicList/);
  assert.deepEqual(engine.emulator.calls().map((c) => c.action), ["DescribeTopicList"]);
});

Deno.test("a foreach of 200 calls runs near the documented limit, never throttled", async () => {
  const engine = testEngine();
  const startMs = engine.clock.now();
  const items = Array.from({ length: 200 }, (_, i) => BigInt(i));
  const { result } = await engine.run(
    `
tcflow: 1
name: many
inputs:
  items: { type: list }
steps:
  - id: lists
    action: trocket.DescribeTopicList
    foreach: \${{ inputs.items }}
    concurrency: 8
    with: { InstanceId: ${EXISTING}, Limit: 1 }
`,
    { inputs: { items } },
  );
  assert.equal(result.status, "succeeded");
  const calls = engine.emulator.calls();
  assert.equal(calls.length, 200);
  assert.ok(calls.every((c) => c.outcome === "ok"), "never throttled");
  // 20/s documented, 90% of it used: 200 calls take about 11 s of (virtual) time.
  const elapsedS = (engine.clock.now() - startMs) / 1000;
  assert.ok(elapsedS > 200 / 20 && elapsedS < (200 / 20) * 1.2, `${elapsedS} s`);
});

Deno.test("scope: run.id, env allow-list, request_id and status of earlier steps, item/index", async () => {
  const engine = testEngine();
  const { result } = await engine.run(
    `
tcflow: 1
name: scope
env: [DEPLOY_STAGE]
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${EXISTING}, Limit: 1 }
  - id: each
    set:
      run: \${{ run.id }}
      stage: \${{ env.DEPLOY_STAGE }}
      request: \${{ steps.list.request_id }}
      status: \${{ steps.list.status }}
  - id: items
    action: trocket.DescribeTopicList
    foreach: \${{ ["a", "b"] }}
    with: { InstanceId: ${EXISTING}, Limit: 1, Offset: "\${{ index }}" }
`,
    { env: { DEPLOY_STAGE: "blue" }, runId: "run-scope-1" },
  );
  assert.equal(result.status, "succeeded", stringifyJson(result.steps));
  const values = result.steps[1]?.outputs as Record<string, unknown>;
  assert.equal(values.run, "run-scope-1");
  assert.equal(values.stage, "blue");
  assert.equal(values.status, "succeeded");
  assert.equal(values.request, engine.emulator.calls()[0]?.requestId);
  const offsets = engine.emulator.calls().slice(1).map((c) =>
    (c.params as { Offset: unknown }).Offset
  );
  assert.deepEqual(offsets, [0, 1]);
});

Deno.test("rollback undoes the items of a foreach step that succeeded before it failed", async () => {
  const engine = testEngine();
  const { result } = await engine.run(`
tcflow: 1
name: partial
rollback: on_failure
steps:
  - id: topics
    action: trocket.CreateTopic
    foreach: \${{ ["part-a", "part-b", "x", "part-d"] }}
    with: { InstanceId: ${TARGET}, Topic: "\${{ item }}", TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: "\${{ item }}" }
`);
  assert.equal(result.status, "rolled_back");
  assert.match(result.steps[0]?.error?.message ?? "", /^item 2: /);
  const deletes = engine.emulator.calls().filter((c) => c.action === "DeleteTopic");
  assert.deepEqual(deletes.map((c) => (c.params as { Topic: string }).Topic), ["part-b", "part-a"]);
  assert.deepEqual(topicsOf(engine.emulator, TARGET), []);
});

Deno.test("foreach with on_error: continue tries every item", async () => {
  const engine = testEngine();
  const { result } = await engine.run(`
tcflow: 1
name: every-item
steps:
  - id: topics
    action: trocket.CreateTopic
    foreach: \${{ ["ok-one", "x", "ok-two"] }}
    with: { InstanceId: ${TARGET}, Topic: "\${{ item }}", TopicType: NORMAL, QueueNum: 3 }
    on_error: continue
`);
  assert.equal(result.status, "succeeded");
  assert.equal(result.steps[0]?.status, "failed");
  assert.deepEqual(topicsOf(engine.emulator, TARGET), ["ok-one", "ok-two"]);
  const outputs = result.steps[0]?.outputs as unknown[];
  assert.equal(outputs[1], null);
});

Deno.test("until in a foreach step sees the list of items, this item's entry filled", async () => {
  const engine = testEngine();
  const { result } = await engine.run(`
tcflow: 1
name: foreach-until
steps:
  - id: lists
    action: trocket.DescribeTopicList
    foreach: \${{ ["${EXISTING}", "${TARGET}"] }}
    with: { InstanceId: "\${{ item }}" }
    until: \${{ size(steps.lists.outputs) == 2 && steps.lists.outputs[index].TotalCount >= 0 }}
    poll: { interval: 1s, timeout: 5s }
`);
  assert.equal(result.status, "succeeded", stringifyJson(result.steps));
  const outputs = result.steps[0]?.outputs as Array<{ TotalCount: bigint }>;
  assert.equal(outputs.length, 2);
  assert.equal(outputs[1]?.TotalCount, 0n);
  assert.equal(result.steps[0]?.attempts, 2);
});

Deno.test("an item whose request cannot be evaluated names its index once", async () => {
  const engine = testEngine();
  const { result } = await engine.run(`
tcflow: 1
name: each
steps:
  - id: topics
    action: trocket.DescribeTopicList
    foreach: \${{ [1, 0] }}
    concurrency: 1
    with: { InstanceId: ${TARGET}, Limit: "\${{ 10 / item }}" }
`);
  assert.equal(result.status, "failed");
  const step = result.steps[0]!;
  assert.equal(step.items?.[1]?.error?.message, "item 1: division by zero");
  assert.equal(step.error?.message, "item 1: division by zero");
});
