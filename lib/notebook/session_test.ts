import assert from "node:assert/strict";
import { createRateLimiter } from "../engine/rate_limiter.ts";
import { FileJournalStore } from "../journal/file_store.ts";
import { testEngine, workflowOf } from "../../test/_engine.ts";
import { NotebookError, NotebookSession, type SessionOptions } from "./session.ts";

const WORKFLOW = `tcflow: 1
name: nb-test
region: ap-guangzhou
inputs:
  instanceId: { type: string, default: rmq-2x9f8k1p }
  prefix: { type: string, default: x }
  apiKey: { type: string, default: very-secret-key, secret: true }
steps:
  - id: topics
    doc: List the topics of the instance.
    action: trocket.DescribeTopicList
    with: { InstanceId: "\${{ inputs.instanceId }}" }
  - id: label
    set:
      text: \${{ inputs.prefix + "-label" }}
  - id: names
    set:
      names: \${{ steps.topics.outputs.Data.map(t, t.Topic) }}
  - id: check
    assert: \${{ inputs.prefix != "bad" && size(steps.names.outputs.names) >= 0 }}
    message: prefix is bad
  - id: keyed
    set:
      key: \${{ inputs.apiKey }}
`;

function setup() {
  const engine = testEngine();
  const workflow = workflowOf(WORKFLOW);
  const options: SessionOptions = {
    workflow,
    inputs: { instanceId: "rmq-2x9f8k1p", prefix: "x", apiKey: "very-secret-key" },
    deps: engine.deps,
    client: engine.client,
    rateLimiter: createRateLimiter({ deps: engine.deps }),
  };
  return { engine, options };
}

const statuses = (nb: NotebookSession) =>
  Object.fromEntries(nb.cells().map((c) => [c.id, c.status]));

Deno.test("cells run one at a time with what they read, nothing sent twice", async () => {
  const { engine, options } = setup();
  const nb = await NotebookSession.create(options);
  assert.deepEqual(nb.cells().map((c) => [c.n, c.id, c.status]), [
    [1, "topics", "pending"],
    [2, "label", "pending"],
    [3, "names", "pending"],
    [4, "check", "pending"],
    [5, "keyed", "pending"],
  ]);
  assert.deepEqual(nb.cell("names").reads, { inputs: [], steps: ["topics"] });
  assert.equal(nb.cell(1).doc, "List the topics of the instance.");

  const first = await nb.runNext();
  assert.deepEqual(first?.cells.map((c) => c.id), ["topics"]);
  assert.equal(engine.emulator.calls().length, 1);
  assert.deepEqual(nb.cell("topics").requests, [{ InstanceId: "rmq-2x9f8k1p" }]);
  assert.equal((nb.cell("topics").outputs as { Data: unknown[] }).Data.length, 3);

  // `run check` runs `names` (which it reads) but not `label`; `topics` is not sent again.
  const second = await nb.run("check");
  assert.deepEqual(second.cells.map((c) => c.id), ["names", "check"]);
  assert.equal(engine.emulator.calls().length, 1);
  assert.deepEqual(statuses(nb), {
    topics: "succeeded",
    label: "pending",
    names: "succeeded",
    check: "succeeded",
    keyed: "pending",
  });
  assert.deepEqual(nb.cell("names").outputs, {
    names: ["order-events", "user-signup", "inventory-sync"],
  });

  const rest = await nb.runAll();
  assert.deepEqual(rest?.cells.map((c) => c.id), ["label", "keyed"]);
  assert.equal(engine.emulator.calls().length, 1);
  assert.equal(await nb.runAll(), undefined);
  assert.equal(await nb.runNext(), undefined);
  // The secret input never reaches the cells' outputs or the events.
  assert.deepEqual(nb.cell("keyed").outputs, { key: "***" });
  assert.ok(
    !JSON.stringify(nb.events, (_k, v) => typeof v === "bigint" ? String(v) : v)
      .includes("very-secret-key"),
  );
  await nb.close();
});

Deno.test("set marks the cells that read an input stale, transitively", async () => {
  const { engine, options } = setup();
  const nb = await NotebookSession.create(options);
  await nb.runAll();
  assert.deepEqual(nb.setInput("instanceId", "rmq-2x9f8k1p"), []);
  assert.deepEqual(nb.setInput("instanceId", "rmq-72mo3a9o"), ["topics", "names", "check"]);
  assert.equal(nb.cell("names").note, "cell topics is stale");
  assert.equal(nb.cell("topics").note, "input instanceId changed");
  assert.equal(nb.cell("label").status, "succeeded");
  // Setting it back makes them fresh again.
  assert.deepEqual(nb.setInput("instanceId", "rmq-2x9f8k1p"), []);
  assert.equal(nb.cells().filter((c) => c.status === "stale").length, 0);

  nb.setInput("instanceId", "rmq-72mo3a9o");
  const run = await nb.run("names");
  assert.deepEqual(run.cells.map((c) => c.id), ["topics", "names"]);
  assert.equal(engine.emulator.calls().length, 2);
  assert.deepEqual(nb.cell("names").outputs, { names: [] });
  assert.equal(nb.cell("check").status, "stale");
  assert.equal(nb.cell("check").note, "cell names ran again since");
  // A secret input changed: the cell that reads it is stale (its value is never compared).
  assert.deepEqual(nb.setInput("apiKey", "another-secret"), ["keyed"]);
  assert.throws(() => nb.setInput("nope", "1"), NotebookError);
  assert.throws(() => nb.setInput("prefx", "1"), /did you mean prefix/);
  await nb.close();
});

Deno.test("a failed cell is retried; skip and unknown cells", async () => {
  const { options } = setup();
  const nb = await NotebookSession.create(options);
  nb.setInput("prefix", "bad");
  const failed = await nb.run("check");
  assert.equal(failed.cells.at(-1)?.status, "failed");
  assert.equal(nb.cell("check").error?.message, "prefix is bad");
  assert.equal(nb.cell("keyed").status, "pending");
  nb.setInput("prefix", "good");
  const retried = await nb.retry();
  assert.deepEqual(retried.cells.map((c) => [c.id, c.status]), [["check", "succeeded"]]);
  await assert.rejects(() => nb.retry(), /nothing to retry/);

  assert.equal((await nb.skip("label")).status, "skipped");
  const all = await nb.runAll();
  assert.deepEqual(all?.cells.map((c) => c.id), ["keyed"]);
  assert.equal(nb.cell("label").status, "skipped");
  assert.throws(() => nb.cell("nmes"), /did you mean names/);
  assert.throws(() => nb.cell(9), NotebookError);

  const { step } = await nb.plan("topics");
  assert.deepEqual(step.requests, [{ InstanceId: "rmq-2x9f8k1p" }]);
  assert.match(nb.report(), /# Run/);
  await nb.close();
});

Deno.test("reopening a journaled run restores every result without sending", async () => {
  const { engine, options } = setup();
  const dir = await Deno.makeTempDir();
  try {
    const store = new FileJournalStore(dir);
    const nb = await NotebookSession.create({ ...options, store });
    await nb.run("names");
    nb.setInput("prefix", "y");
    nb.setInput("instanceId", "rmq-72mo3a9o");
    await nb.run("label");
    const before = nb.cells();
    assert.deepEqual(before.map((c) => c.status), [
      "stale",
      "succeeded",
      "stale",
      "pending",
      "pending",
    ]);
    await nb.close();
    const calls = engine.emulator.calls().length;

    const record = await new FileJournalStore(dir).read(nb.runId);
    const again = await NotebookSession.reopen({ ...options, store, record });
    assert.deepEqual(again.cells(), before);
    assert.equal(again.inputs.prefix, "y");
    assert.equal(again.inputs.instanceId, "rmq-72mo3a9o");
    assert.equal(engine.emulator.calls().length, calls);
    // The next cell continues where the first session stopped: the stale one first.
    assert.deepEqual((await again.runNext())?.cells.map((c) => c.id), ["topics"]);
    assert.equal(engine.emulator.calls().length, calls + 1);
    assert.deepEqual((await again.runNext())?.cells.map((c) => c.id), ["names"]);
    assert.deepEqual((await again.runNext())?.cells.map((c) => c.id), ["check"]);
    assert.equal(engine.emulator.calls().length, calls + 1);
    await again.close();
    let text = await Deno.readTextFile(`${dir}/runs/${nb.runId}/events.jsonl`);
    assert.ok(!text.includes("very-secret-key"));
    assert.ok(!text.includes("not-reached"));
    // Cells are left to run: the run is not finished (it reads as interrupted).
    assert.ok(!text.includes("run-finished"));
    assert.equal((await store.list())[0]?.status, "interrupted");
    const last = await NotebookSession.reopen({
      ...options,
      store,
      record: await store.read(nb.runId),
    });
    await last.runAll();
    await last.close();
    text = await Deno.readTextFile(`${dir}/runs/${nb.runId}/events.jsonl`);
    assert.equal(text.match(/"run-finished"/g)?.length, 1);
    assert.equal((await store.list())[0]?.status, "succeeded");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a cell interrupted while running is not sent again unless retried", async () => {
  const { engine, options } = setup();
  const workflow = workflowOf(`tcflow: 1
name: nb-create
region: ap-guangzhou
steps:
  - id: plan
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: nb-plan, MaxRequestNum: -1 }
  - id: after
    set: { id: "\${{ steps.plan.outputs.Result.UsagePlanId }}" }
`);
  const dir = await Deno.makeTempDir();
  try {
    const store = new FileJournalStore(dir);
    const nb = await NotebookSession.create({ ...options, workflow, inputs: {}, store });
    // The process dies while `plan` is in flight: its start is journaled, nothing more.
    await store.append(nb.runId, {
      type: "run-started",
      timeMs: 1,
      runId: nb.runId,
      workflow: "nb-create",
      file: "test.yaml",
      inputs: {},
      stepIds: ["plan", "after"],
    });
    await store.append(nb.runId, {
      type: "step-started",
      timeMs: 2,
      stepId: "plan",
      kind: "action",
    });
    await store.close(nb.runId);

    const again = await NotebookSession.reopen({
      ...options,
      workflow,
      inputs: {},
      store,
      record: await store.read(nb.runId),
    });
    assert.equal(again.cell("plan").status, "running");
    assert.equal(again.cell("plan").note, "interrupted while running");
    // CreateUsagePlan takes no ClientToken: it may have been applied, so it is not sent.
    const run = await again.run("after");
    assert.deepEqual(run.cells.map((c) => [c.id, c.status]), [["plan", "uncertain"]]);
    assert.equal(engine.emulator.calls().length, 0);
    await assert.rejects(() => again.runNext(), /uncertain/);
    await assert.rejects(() => again.run("after"), /cell 1 \(plan\) is uncertain/);
    // `retry` sends it: the user checked that it was not applied.
    const retried = await again.retry();
    assert.deepEqual(retried.cells.map((c) => [c.id, c.status]), [["plan", "succeeded"]]);
    assert.equal(engine.emulator.calls().length, 1);
    await again.run("after");
    assert.match(String((again.cell("after").outputs as { id: string }).id), /^usagePlan-/);
    await again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a cell skipped by its `when` becomes stale when what `when` reads changes", async () => {
  const { options } = setup();
  const workflow = workflowOf(`tcflow: 1
name: nb-when
inputs:
  mode: { type: string, default: off }
steps:
  - id: opt
    when: \${{ inputs.mode == "on" }}
    set: { on: true }
  - id: after
    set: { seen: "\${{ steps.opt.status }}" }
`);
  const nb = await NotebookSession.create({ ...options, workflow, inputs: { mode: "off" } });
  await nb.runAll();
  assert.equal(nb.cell("opt").status, "skipped");
  assert.equal(nb.cell("opt").note, "when is false");
  assert.deepEqual(nb.cell("after").outputs, { seen: "skipped" });
  assert.deepEqual(nb.setInput("mode", "on"), ["opt", "after"]);
  await nb.runAll();
  assert.equal(nb.cell("opt").status, "succeeded");
  assert.deepEqual(nb.cell("after").outputs, { seen: "succeeded" });
  await nb.close();
});

Deno.test("plan <id> uses the real outputs of cells that already ran", async () => {
  const { options } = setup();
  const nb = await NotebookSession.create(options);
  const before = await nb.plan("names");
  assert.match(String((before.step.values as { names: unknown }).names), /^<steps\.topics/);
  await nb.run("topics");
  const after = await nb.plan("names");
  const names = (after.step.values as { names: unknown }).names;
  assert.ok(Array.isArray(names), `real topic names, got ${JSON.stringify(names)}`);
  assert.ok(names.length > 0);
  await nb.close();
});

Deno.test("a value a cell made from a secret stays secret in the cells run after it", async () => {
  const { engine, options } = setup();
  const workflow = workflowOf(`tcflow: 1
name: nb-derived
region: ap-guangzhou
inputs:
  apiKey: { type: string, secret: true }
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: rmq-2x9f8k1p, Topic: nb-holder, TopicType: NORMAL, QueueNum: 3, Remark: "\${{ inputs.apiKey.upperAscii() }}" }
  - id: read
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-2x9f8k1p }
`);
  const nb = await NotebookSession.create({
    ...options,
    workflow,
    inputs: { apiKey: "very-secret-key" },
  });
  await nb.run("create");
  await nb.run("read"); // a later session of the executor: `create` comes from what was recorded
  assert.equal(engine.emulator.calls().filter((c) => c.action === "CreateTopic").length, 1);
  const remarks = (nb.cell("read").outputs as { Data: Array<{ Topic: string; Remark: string }> })
    .Data.filter((t) => t.Topic === "nb-holder").map((t) => t.Remark);
  assert.deepEqual(remarks, ["***"]);
  const shown = JSON.stringify(nb.events, (_k, v) => typeof v === "bigint" ? String(v) : v);
  assert.ok(!shown.includes("VERY-SECRET-KEY"));
  await nb.close();
});
