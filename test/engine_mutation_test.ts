/**
 * Engine behaviours that mutation testing (`deno task mutate`) found unguarded: each test here
 * fails on a planted bug that no other test noticed.
 */
import assert from "node:assert/strict";
import { testEngine } from "./_engine.ts";

Deno.test("a step skipped by when: has the result { status: skipped, attempts: 0, outputs: null } and a skipped event", async () => {
  const engine = testEngine();
  const { result, sink } = await engine.run(`
tcflow: 1
name: when-skip
steps:
  - id: never
    when: \${{ false }}
    set: { x: 1 }
  - id: after
    set: { seen: \${{ steps.never.status }} }
`);
  assert.equal(result.status, "succeeded");
  assert.deepStrictEqual(result.steps[0], {
    id: "never",
    status: "skipped",
    attempts: 0,
    outputs: null,
  });
  assert.deepStrictEqual(result.steps[1]?.outputs, { seen: "skipped" });
  assert.deepStrictEqual(sink.ofType("step-skipped").map((e) => [e.stepId, e.reason]), [
    ["never", "when"],
  ]);
});

Deno.test("foreach progress: reported about 20 times per step (every ceil(total/20) items) and at the last", async () => {
  const engine = testEngine();
  const { result, sink } = await engine.run(`
tcflow: 1
name: progress
steps:
  - id: lists
    action: trocket.DescribeTopicList
    foreach: \${{ [${Array.from({ length: 41 }, (_, i) => i).join(", ")}] }}
    concurrency: 1
    with: { InstanceId: rmq-2x9f8k1p }
`);
  assert.equal(result.status, "succeeded");
  const done = sink.ofType("foreach-progress").map((e) => e.done);
  // 41 items: at the start, every 3rd, then the 41st.
  assert.deepStrictEqual(done, [0, ...Array.from({ length: 13 }, (_, i) => 3 * (i + 1)), 41]);
});
