/**
 * One round of `deno task proof:cluster`'s kill trial in the suite: three real `tcflow worker`
 * processes share a 60-item mutating `foreach`, one is SIGKILLed while it holds items; the
 * emulator's call log shows no duplicate, every item succeeded or is `uncertain` (at most the
 * dead worker's concurrency), none is lost and the run finishes.
 */
import assert from "node:assert/strict";
import { killTrial } from "./_cluster_proof.ts";
import { scheduleProcessTrial } from "./_schedule_trial.ts";
import { freshDatabase, stopTestServer, testServer } from "./_postgres.ts";

const server = await testServer();
if (typeof server === "string") console.log(`cluster_proof_test: ${server}`);
Deno.test.afterAll(stopTestServer);

Deno.test({
  name: "cluster: a worker SIGKILLed while it holds items: 0 duplicates, 0 lost, run finished",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    try {
      const r = await killTrial(db.url, { signal: "SIGKILL", afterMs: 150, victim: 1, items: 60 });
      assert.equal(r.duplicates, 0, "no item reached the emulator twice");
      assert.equal(r.lost, 0, "every item succeeded or is uncertain");
      assert.ok(r.finished, "the run finished");
      assert.ok(r.uncertain <= 4, `uncertain ${r.uncertain} > the dead worker's concurrency 4`);
      assert.equal(r.succeeded + r.uncertain, 60);
    } finally {
      await db.drop();
    }
  },
});

Deno.test({
  name: "cluster: a worker stopped past its lease says it lost its lease and records nothing",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    try {
      const r = await killTrial(db.url, { signal: "SIGSTOP", afterMs: 0, victim: 0, items: 60 });
      assert.match(r.victimStderr, /worker w0: lost its lease on item \d+ of run \S+ \(each\)/);
      assert.equal(r.duplicates, 0, "no item reached the emulator twice");
      assert.equal(r.lost, 0);
      assert.ok(r.finished, "the run finished");
    } finally {
      await db.drop();
    }
  },
});

Deno.test({
  name: "cluster: 3 tcflow schedule processes on one database fire each minute once, no overlap",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    try {
      const r = await scheduleProcessTrial(db.url, { minutes: 3, speed: 20 });
      assert.deepEqual(r.codes, [0, 0, 0]);
      assert.equal(r.once, 3, `minutes fired once: ${r.once}; skips: ${r.skips.join("; ")}`);
      assert.equal(r.twice, 0, "no minute fired twice");
      assert.equal(r.runs, r.everyFired, "one run per fire");
      assert.equal(r.overlaps, 0, "the slow workflow never overlaps itself");
      assert.ok(r.slowSkipped > 0, "the slow workflow's next minutes were skipped while it ran");
    } finally {
      await db.drop();
    }
  },
});
