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
