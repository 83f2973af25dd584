/**
 * Exactly-once schedules on a real PostgreSQL: three schedulers on one virtual clock (the
 * database clock decides the minute), over 100 simulated minutes. Every minute of an
 * every-minute workflow fires once in all, none is missed; a slow workflow never runs twice at
 * once across the schedulers.
 */
import assert from "node:assert/strict";
import { freshDatabase, stopTestServer, testServer } from "../../test/_postgres.ts";
import { createVirtualClock } from "../engine/virtual_clock.ts";
import { PgJournalStore } from "../journal/pg_store.ts";
import { runSchedule, type ScheduledWorkflow } from "../schedule/scheduler.ts";
import { parseCron } from "../workflow/cron.ts";
import { pgFireClaims } from "./pg_fires.ts";

const server = await testServer();
if (typeof server === "string") console.log(`pg_fires_test: ${server}`);
Deno.test.afterAll(stopTestServer);

const START = Date.UTC(2026, 11, 4, 6, 0, 0);
const MINUTES = 100;

function workflow(name: string, cron: string): ScheduledWorkflow {
  const parsed = parseCron(cron);
  if ("error" in parsed) throw new Error(parsed.error);
  return { file: `/w/${name}.yaml`, name, cron: parsed };
}

Deno.test({
  name: "pg fires: 3 schedulers × 100 minutes: every fire exactly once, none missed, no overlap",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const stores = await Promise.all(
      [0, 1, 2].map((i) => PgJournalStore.connect(db.url, { owner: `s${i}`, max: 2 })),
    );
    try {
      const every = workflow("every-minute", "* * * * *");
      const slow = workflow("slow", "* * * * *");
      const fired = new Map<string, number>(); // "workflow minute" → runs started
      let slowRunning = 0;
      let slowOverlaps = 0;
      let slowRuns = 0;
      // One virtual clock for the three, as the database clock is one: with a clock each, a
      // scheduler the loaded host ran late was still finishing minute M when another's clock
      // had reached M+1, which then (rightly) skipped M+1 as busy: "every minute fired"
      // failed under load. A held clock waits for every claim in flight.
      const clock = createVirtualClock({ startMs: START });
      const results = await Promise.all(stores.map((store, i) => {
        const claim = pgFireClaims({ sql: store.sql, owner: `s${i}` });
        return runSchedule({
          workflows: [every, slow],
          deps: clock,
          untilMs: START + (MINUTES - 1) * 60_000,
          // A claim takes milliseconds of a 60-second minute: the virtual clock waits for it.
          // An instant run also ends (its fire row finished) within its minute.
          async claimFire(w, scheduledMs) {
            clock.hold();
            let answer;
            try {
              answer = await claim(w, scheduledMs);
            } catch (error) {
              clock.release();
              throw error;
            }
            if (answer.verdict !== "won" || w === slow) {
              clock.release();
              return answer;
            }
            const { finished } = answer;
            return {
              verdict: answer.verdict,
              finished: () => finished().finally(() => clock.release()),
            };
          },
          async runOnce(w, scheduledMs) {
            const key = `${w.name} ${new Date(scheduledMs).toISOString()}`;
            fired.set(key, (fired.get(key) ?? 0) + 1);
            if (w === slow) {
              // A slow run: it lasts while the fire claims of the other schedulers go on.
              slowRuns++;
              if (slowRunning++ > 0) slowOverlaps++;
              await store.sql`SELECT pg_sleep(0.02)`;
              slowRunning--;
            }
            return { status: "succeeded" };
          },
        });
      }));
      const minutes = Array.from(
        { length: MINUTES },
        (_, m) => `every-minute ${new Date(START + m * 60_000).toISOString()}`,
      );
      const missed = minutes.filter((key) => fired.get(key) === undefined);
      const twice = [...fired].filter(([, n]) => n > 1).map(([key]) => key);
      assert.deepEqual(missed, [], "every minute fired");
      assert.deepEqual(twice, [], "no minute fired twice");
      assert.equal(minutes.filter((key) => fired.get(key) === 1).length, MINUTES);
      assert.equal(slowOverlaps, 0, "the slow workflow never ran twice at once");
      assert.ok(slowRuns >= 1);
      const rows = await stores[0]!.sql<{ workflow: string; n: number }[]>`
        SELECT workflow, count(*)::int AS n FROM tcflow_fires GROUP BY workflow ORDER BY workflow`;
      assert.deepEqual(rows.map((r) => [r.workflow, r.n]), [["every-minute", MINUTES], [
        "slow",
        rows.find((r) => r.workflow === "slow")?.n,
      ]]);
      const fires = results.reduce((n, r) => n + r.fired, 0);
      assert.equal(fires, MINUTES + slowRuns);
    } finally {
      await Promise.all(stores.map((store) => store.end()));
      await db.drop();
    }
  },
});

Deno.test({
  name:
    "pg fires: a claim that waited for another scheduler's lock gets a whole lease from its end",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const [store, other] = await Promise.all(
      ["s1", "s2"].map((owner) => PgJournalStore.connect(db.url, { owner, max: 1 })),
    );
    let finished: (() => Promise<void>) | undefined;
    try {
      // Another scheduler holds the workflow's lock (as one SIGSTOPped inside its claim does) for
      // longer than the 2 s lease; this claim waits for it, then wins the minute.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = other!.sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(hashtext('tcflow-fire'), hashtext('slow'))`;
        locked();
        await held;
      });
      await isLocked;
      const claim = pgFireClaims({ sql: store!.sql, owner: "s1", leaseS: 2 })(
        { name: "slow" },
        START,
      );
      await new Promise((resolve) => setTimeout(resolve, 2500));
      release();
      await holder;
      const won = await claim;
      assert.equal(won.verdict, "won");
      if (won.verdict === "won") finished = won.finished;
      // Its lease runs from the claim's end, not from when its transaction began (2.5 s ago, more
      // than the lease: the old fire was born run out, and another scheduler could start the
      // workflow again before the first renewal).
      const [row] = await store!.sql<{ left: number }[]>`
        SELECT extract(epoch FROM lease_until - clock_timestamp())::float8 AS left
        FROM tcflow_fires WHERE workflow = 'slow'`;
      assert.ok(row!.left > 0, `lease left ${row!.left} s`);
    } finally {
      await finished?.();
      await Promise.all([store!.end(), other!.end()]);
      await db.drop();
    }
  },
});
