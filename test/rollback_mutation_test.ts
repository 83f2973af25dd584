/**
 * Rollback undoes only what was applied (PRODUCT.md §10): a step that FAILED is not undone,
 * even when it has an undo. A CreateTopic that failed because the topic already existed must
 * not be compensated by a DeleteTopic that would remove the topic someone else made.
 */
import assert from "node:assert/strict";
import { MemorySink } from "../lib/journal/events.ts";
import { createRateLimiter } from "../lib/engine/rate_limiter.ts";
import { rollbackWorkflow } from "../lib/engine/rollback.ts";
import { testEngine, topicsOf, workflowOf } from "./_engine.ts";

const TARGET = "rmq-72mo3a9o";

Deno.test("rollback never undoes a failed step: a pre-existing topic survives", async () => {
  const engine = testEngine();
  const text = `
tcflow: 1
name: failed-create
steps:
  - id: theirs
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: shared, TopicType: NORMAL, QueueNum: 3 }
  - id: mine
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: mine, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: mine }
  - id: again
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: shared, TopicType: NORMAL, QueueNum: 3 }
    retry: { attempts: 1 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: shared }
`;
  const { result } = await engine.run(text);
  assert.equal(result.status, "failed");
  assert.deepEqual(result.steps.map((s) => [s.id, s.status]), [
    ["theirs", "succeeded"],
    ["mine", "succeeded"],
    ["again", "failed"],
  ]);
  assert.deepEqual(topicsOf(engine.emulator, TARGET).sort(), ["mine", "shared"]);
  // The failure keeps the API's code and message.
  const error = result.steps[2]?.error;
  assert.equal(error?.code, "UnsupportedOperation.ResourceAlreadyExists");
  assert.match(error?.message ?? "", /shared/);
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
  assert.deepEqual(undone.map((u) => [u.stepId, u.status]), [["mine", "succeeded"]]);
  assert.deepEqual(topicsOf(engine.emulator, TARGET), ["shared"]);
  const deletes = engine.emulator.calls().filter((c) => c.action === "DeleteTopic");
  assert.equal(deletes.length, 1);
});

Deno.test("rollback journals its events redacted: a secret in an undo's request never reaches the sink", async () => {
  const engine = testEngine();
  const secret = "s3cr3t-topic-name";
  const text = `
tcflow: 1
name: secret-undo
inputs:
  name: { type: string, secret: true }
steps:
  - id: mine
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: "\${{ inputs.name }}", TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: "\${{ inputs.name }}" }
`;
  const { result } = await engine.run(text, { inputs: { name: secret }, secrets: [secret] });
  assert.equal(result.status, "succeeded", JSON.stringify(result.steps[0]?.error));
  const sink = new MemorySink();
  const undone = await rollbackWorkflow(workflowOf(text), {
    recorded: Object.fromEntries(result.steps.map((s) => [s.id, s])),
    inputs: { name: secret },
    secrets: [secret],
    deps: engine.deps,
    client: engine.client,
    rateLimiter: createRateLimiter({ deps: engine.deps }),
    runId: result.run_id,
    region: "ap-guangzhou",
    sink,
  });
  assert.deepEqual(undone.map((u) => [u.stepId, u.status]), [["mine", "succeeded"]]);
  // The topic was really deleted by its secret name, and the journal never names it.
  assert.deepEqual(topicsOf(engine.emulator, TARGET), []);
  const journaled = JSON.stringify(sink.events, (_, v) => typeof v === "bigint" ? String(v) : v);
  assert.ok(sink.ofType("undo-succeeded").length === 1, journaled);
  assert.equal(journaled.includes(secret), false, journaled);
  assert.match(journaled, /\*\*\*/);
});

Deno.test("a foreach whose item failed and then another was left uncertain ends uncertain (resume must not re-send it)", async () => {
  // Item 0 fails ("shared" exists); item 1 is applied, then the connection breaks while its
  // answer is read (uncertain). Uncertain must win over failed whatever the order.
  const engine = testEngine({
    wrapFetch: (handle) => async (request) => {
      const cut = (await request.clone().text()).includes('"Topic":"fresh"');
      const response = await handle(request);
      if (cut) throw new TypeError("error reading response: connection reset by peer");
      return response;
    },
  });
  const { result } = await engine.run(`
tcflow: 1
name: mixed
steps:
  - id: theirs
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: shared, TopicType: NORMAL, QueueNum: 3 }
  - id: mine
    action: trocket.CreateTopic
    foreach: \${{ ["shared", "fresh"] }}
    concurrency: 1
    on_error: continue
    with: { InstanceId: ${TARGET}, Topic: "\${{ item }}", TopicType: NORMAL, QueueNum: 3 }
    retry: { attempts: 1 }
`);
  const mine = result.steps[1];
  assert.deepEqual(mine?.items?.map((i) => [i.index, i.status]), [[0, "failed"], [1, "uncertain"]]);
  assert.equal(mine?.status, "uncertain", JSON.stringify(mine?.error));
  assert.match(mine?.error?.message ?? "", /item 1: CreateTopic may have been applied/);
  assert.deepEqual(topicsOf(engine.emulator, TARGET).sort(), ["fresh", "shared"]);
});

Deno.test("rollback: a foreach whose items no longer resolve is reported failed (journaled), and the other undos still run", async () => {
  const engine = testEngine();
  const text = `
tcflow: 1
name: foreach-undo
inputs:
  names: { type: list, default: [] }
steps:
  - id: one
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: one, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: one }
  - id: many
    action: trocket.CreateTopic
    foreach: \${{ inputs.names + [] }}
    with: { InstanceId: ${TARGET}, Topic: "\${{ item }}", TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: "\${{ item }}" }
`;
  const { result } = await engine.run(text, { inputs: { names: ["aaa", "bbb"] } });
  assert.equal(result.status, "succeeded", JSON.stringify(result.steps));
  const sink = new MemorySink();
  // The rollback is given an input that is not a list: the items cannot be resolved.
  const undone = await rollbackWorkflow(workflowOf(text), {
    recorded: Object.fromEntries(result.steps.map((s) => [s.id, s])),
    inputs: { names: { not: "a list" } },
    deps: engine.deps,
    client: engine.client,
    rateLimiter: createRateLimiter({ deps: engine.deps }),
    runId: result.run_id,
    region: "ap-guangzhou",
    sink,
  });
  assert.deepEqual(undone.map((u) => [u.stepId, u.status]), [
    ["many", "failed"],
    ["one", "succeeded"],
  ]);
  assert.deepEqual(sink.ofType("undo-failed").map((e) => e.stepId), ["many"]);
  assert.deepEqual(topicsOf(engine.emulator, TARGET).sort(), ["aaa", "bbb"]);

  // Told that nothing of `many` is left to undo (`undo: { many: [] }`), the rollback does not
  // look at it at all: its unresolvable items are no failure.
  const told = new MemorySink();
  const onlyOne = await rollbackWorkflow(workflowOf(text), {
    recorded: Object.fromEntries(result.steps.map((s) => [s.id, s])),
    undo: { one: "step", many: [] },
    inputs: { names: { not: "a list" } },
    deps: engine.deps,
    client: engine.client,
    rateLimiter: createRateLimiter({ deps: engine.deps }),
    runId: result.run_id,
    region: "ap-guangzhou",
    sink: told,
  });
  assert.deepEqual(onlyOne.map((u) => [u.stepId, u.status]), [["one", "succeeded"]]);
  assert.deepEqual(told.ofType("undo-failed"), []);
});

Deno.test("rollback: an item whose undo fails is reported with its index; the others are undone", async () => {
  const engine = testEngine({
    emulator: { faults: "rate=1;codes=FailedOperation;times=1;actions=DeleteTopic" },
  });
  const text = `
tcflow: 1
name: item-undo
steps:
  - id: many
    action: trocket.CreateTopic
    foreach: \${{ ["t-aaa", "t-bbb"] }}
    concurrency: 1
    with: { InstanceId: ${TARGET}, Topic: "\${{ item }}", TopicType: NORMAL, QueueNum: 3 }
    retry: { attempts: 1 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: "\${{ item }}" }
`;
  const { result } = await engine.run(text);
  assert.equal(result.status, "succeeded", JSON.stringify(result.steps));
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
  // Newest item first: item 1's undo meets the fault, item 0's succeeds.
  assert.deepEqual(undone.map((u) => [u.stepId, u.index, u.status]), [
    ["many", 1, "failed"],
    ["many", 0, "succeeded"],
  ]);
  assert.equal(undone[0]?.error?.code, "FailedOperation");
  assert.deepEqual(sink.ofType("undo-failed").map((e) => e.index), [1]);
  assert.deepEqual(topicsOf(engine.emulator, TARGET), ["t-bbb"]);
});

Deno.test("rollback: an undo reads the recorded steps' status", async () => {
  const engine = testEngine();
  const text = `
tcflow: 1
name: status-undo
steps:
  - id: mine
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: mine, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with:
        InstanceId: ${TARGET}
        Topic: "\${{ steps.mine.status == 'succeeded' ? 'mine' : 'nope' }}"
`;
  const { result } = await engine.run(text);
  assert.equal(result.status, "succeeded");
  const undone = await rollbackWorkflow(workflowOf(text), {
    recorded: Object.fromEntries(result.steps.map((s) => [s.id, s])),
    inputs: {},
    deps: engine.deps,
    client: engine.client,
    rateLimiter: createRateLimiter({ deps: engine.deps }),
    runId: result.run_id,
    region: "ap-guangzhou",
    sink: new MemorySink(),
  });
  assert.deepEqual(undone.map((u) => [u.stepId, u.status]), [["mine", "succeeded"]]);
  assert.deepEqual(topicsOf(engine.emulator, TARGET), []);
});
