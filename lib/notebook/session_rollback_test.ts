import assert from "node:assert/strict";
import { createRateLimiter } from "../engine/rate_limiter.ts";
import { FileJournalStore } from "../journal/file_store.ts";
import { testEngine, workflowOf } from "../../test/_engine.ts";
import { NotebookSession } from "./session.ts";
import { formatShow } from "./terminal.ts";

// Two cells that create a topic each (with an undo), then a check that fails.
const WORKFLOW = workflowOf(`tcflow: 1
name: nb-undo
region: ap-guangzhou
rollback: on_failure
inputs:
  fail: { type: boolean, default: true }
steps:
  - id: first
    action: trocket.CreateTopic
    with: { InstanceId: rmq-2x9f8k1p, Topic: nb-first, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: rmq-2x9f8k1p, Topic: nb-first }
  - id: second
    action: trocket.CreateTopic
    with: { InstanceId: rmq-2x9f8k1p, Topic: nb-second, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: rmq-2x9f8k1p, Topic: nb-second }
  - id: check
    assert: \${{ !inputs.fail }}
    message: the check failed
`);

async function setup() {
  const engine = testEngine();
  const dir = await Deno.makeTempDir();
  const store = new FileJournalStore(dir);
  const nb = await NotebookSession.create({
    workflow: WORKFLOW,
    inputs: { fail: true },
    deps: engine.deps,
    client: engine.client,
    rateLimiter: createRateLimiter({ deps: engine.deps }),
    store,
  });
  const calls = (action: string) =>
    engine.emulator.calls().filter((c) => c.action === action).length;
  return { engine, dir, store, nb, calls };
}

Deno.test("a failed cell with rollback: on_failure undoes nothing by itself and offers rollback", async () => {
  const { dir, store, nb, calls } = await setup();
  try {
    const run = await nb.runAll();
    assert.equal(nb.cell("check").status, "failed");
    // Nothing was undone: both topics are still there, both cells still succeeded.
    assert.equal(calls("DeleteTopic"), 0, "no undo call was sent");
    assert.deepEqual(run?.rollbackOffered, ["second", "first"]);
    assert.equal(nb.cell("first").status, "succeeded");
    assert.equal(nb.cell("second").status, "succeeded");
    assert.equal(nb.events.filter((e) => e.type.startsWith("undo-")).length, 0);

    // Cell by cell: one cell's rollback undoes it alone, and the run is not rolled back.
    const one = await nb.rollback("second");
    assert.deepEqual(one.undone.map((r) => [r.stepId, r.status]), [["second", "succeeded"]]);
    assert.deepEqual(one.cells.map((c) => [c.id, c.status]), [["second", "rolled_back"]]);
    assert.equal(calls("DeleteTopic"), 1);
    assert.equal(nb.cell("first").status, "succeeded");
    assert.notEqual((await store.list())[0]?.status, "rolled_back");

    // The rest: `first`; then the run reads as rolled back, and nothing is left to undo.
    const rest = await nb.rollback();
    assert.deepEqual(rest.undone.map((r) => r.stepId), ["first"]);
    assert.equal(calls("DeleteTopic"), 2);
    assert.equal(nb.cell("first").status, "rolled_back");
    await assert.rejects(() => nb.rollback(), /nothing to undo/);
    assert.equal(calls("DeleteTopic"), 2);
    await nb.close();
    assert.equal((await store.list())[0]?.status, "rolled_back");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a cell run again keeps its earlier runs in show and in the report", async () => {
  const { dir, store, nb, calls } = await setup();
  try {
    await nb.run("first");
    const firstRequestId = nb.cell("first").requestId;
    assert.ok(firstRequestId);
    // Run again: the topic exists, so the create fails; the success is not forgotten.
    const again = await nb.run("first");
    assert.equal(again.cells[0]?.status, "failed");
    assert.equal(calls("CreateTopic"), 2);
    const cell = nb.cell("first");
    assert.deepEqual(cell.history.map((h) => [h.status, h.requestId]), [
      ["succeeded", firstRequestId],
    ]);
    const shown = formatShow(cell);
    assert.match(shown, /earlier runs \(1\):\n {2}1\. succeeded · 1 request · RequestId /);
    assert.ok(shown.includes(firstRequestId));
    for (const report of [nb.report("markdown"), nb.report("html")]) {
      assert.match(report, /Earlier tries/);
      assert.ok(report.includes(firstRequestId), "the first run's RequestId is in the report");
    }
    await nb.close();

    // Reopened from the journal, the history is still there.
    const engine = testEngine();
    const reopened = await NotebookSession.reopen({
      workflow: WORKFLOW,
      inputs: { fail: true },
      deps: engine.deps,
      client: engine.client,
      rateLimiter: createRateLimiter({ deps: engine.deps }),
      store,
      record: await store.read(nb.runId),
    });
    assert.equal(reopened.cell("first").history.length, 1);
    await reopened.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a skip is journaled: it survives reopening", async () => {
  const { dir, store, nb } = await setup();
  try {
    assert.equal((await nb.skip("second")).status, "skipped");
    await nb.close();
    const engine = testEngine();
    const reopened = await NotebookSession.reopen({
      workflow: WORKFLOW,
      inputs: { fail: false },
      deps: engine.deps,
      client: engine.client,
      rateLimiter: createRateLimiter({ deps: engine.deps }),
      store,
      record: await store.read(nb.runId),
    });
    assert.equal(reopened.cell("second").status, "skipped");
    assert.equal(reopened.cell("second").note, "skipped by you");
    const all = await reopened.runAll();
    assert.deepEqual(all?.cells.map((c) => c.id), ["first", "check"]);
    assert.equal(engine.emulator.calls().length, 1);
    // Run by name, it runs.
    assert.equal((await reopened.run("second")).cells[0]?.status, "succeeded");
    await reopened.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
