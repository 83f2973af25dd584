/**
 * Two `tcflow schedule --once` processes on one state dir (PRODUCT.md section 13): a fire
 * starts once. Real processes, the real lock files; each minute that was due is fired by one
 * scheduler and skipped by the other, and the state dir holds one run per fired minute.
 */
import assert from "node:assert/strict";
import { FileJournalStore } from "../lib/journal/file_store.ts";
import { runCliProcess } from "./_cli.ts";

const EVERY_MINUTE = `tcflow: 1
name: every-minute
region: ap-guangzhou
schedule: "* * * * *"
steps:
  - id: plan
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: scheduled }
`;

Deno.test("two schedulers on one state dir start each fire once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-two-schedulers-" });
  try {
    const file = `${dir}/every-minute.yaml`;
    await Deno.writeTextFile(file, EVERY_MINUTE);
    const args = ["schedule", file, "--once", "--emulator", "--state-dir", `${dir}/state`];
    const results = await Promise.all([runCliProcess(args), runCliProcess(args)]);
    const fired = new Map<string, number>();
    const skipped = new Map<string, number>();
    for (const { code, stderr } of results) {
      assert.equal(code, 0, stderr);
      for (const [, due] of stderr.matchAll(/ fire every-minute \(due (\d\d:\d\d)\)/g)) {
        fired.set(due!, (fired.get(due!) ?? 0) + 1);
      }
      for (
        const [, due] of stderr.matchAll(
          / skip every-minute \(due (\d\d:\d\d)\): (?:another scheduler|a run fired by another)/g,
        )
      ) {
        skipped.set(due!, (skipped.get(due!) ?? 0) + 1);
      }
    }
    for (const [due, n] of fired) assert.equal(n, 1, `the fire due ${due} started ${n} times`);
    const runs = await new FileJournalStore(`${dir}/state`).list();
    assert.equal(runs.length, fired.size, "one run per fired minute");
    assert.ok(runs.every((r) => r.status === "succeeded"), JSON.stringify(runs));
    // Both processes saw a minute due; when it was the same one (almost always), one skipped it.
    const minutes = new Set([...fired.keys(), ...skipped.keys()]);
    assert.equal(fired.size + [...skipped.values()].reduce((a, b) => a + b, 0), 2);
    assert.ok(minutes.size >= 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
