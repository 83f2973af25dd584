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
