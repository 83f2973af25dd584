/**
 * The global rate limiter on a real PostgreSQL: three limiters (three workers' pools) share one
 * bucket per key. Sleeping is recorded, not done, so the test reads the pacing the database
 * handed out: at most 2 calls at once, then one slot per interval, whoever asks.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { freshDatabase, stopTestServer, testServer } from "../../test/_postgres.ts";
import { rateKey } from "../engine/rate_limiter.ts";
import { migrate } from "../journal/pg_schema.ts";
import {
  createPgRateLimiter,
  localSlotMs,
  slotGraceMs,
  type SlotSpend,
  slotSpendable,
} from "./pg_rate_limiter.ts";

const server = await testServer();
if (typeof server === "string") console.log(`pg_rate_limiter_test: ${server}`);
Deno.test.afterAll(stopTestServer);

Deno.test({
  name: "pg rate limiter: 3 workers share one GCRA row per key; burst ≤ 2, then one per interval",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const key = rateKey({
      service: "cvm",
      action: "RunInstances",
      region: "ap-guangzhou",
      secretId: "AKID\u00e9",
    });
    const pools = [0, 1, 2].map(() => postgres(db.url, { max: 2, onnotice: () => {} }));
    try {
      await migrate(pools[0]!);
      // Sleeping is not done; each call records when the database lets it go.
      const sends: number[] = [];
      let slept = 0;
      const limiters = pools.map((sql) =>
        createPgRateLimiter({
          sql,
          headroom: 1,
          onSlot: (k, ms) => k === key && sends.push(ms),
          deps: {
            now: () => 0,
            sleep: () => {
              slept++;
              return Promise.resolve();
            },
          },
        })
      );
      const other = rateKey({
        service: "cvm",
        action: "RunInstances",
        region: "ap-beijing",
        secretId: "AKID\u00e9",
      });
      // 30 calls at 5/s from three workers at once, and 1 call of another key.
      const calls = Array.from({ length: 30 }, (_, i) => limiters[i % 3]!.acquire(key, 5));
      await Promise.all([...calls, limiters[0]!.acquire(other, 5)]);
      // Two calls of `key` (the burst) and the one of `other` go at once; 28 wait their slot.
      assert.equal(slept, 28);
      assert.equal(sends.length, 30);
      const ofKey = sends.sort((a, b) => a - b);
      // Whatever the order the three workers asked in: 2 at once (the first at t0), then one
      // every 200 ms from t0 + 200 ms.
      const gap = (i: number, j: number) => ofKey[i]! - ofKey[j]!;
      assert.ok(gap(1, 0) < 200, `the second call goes ${gap(1, 0)} ms after the first`);
      for (let i = 2; i < ofKey.length; i++) {
        const since = gap(i, i === 2 ? 0 : i - 1);
        assert.ok(Math.abs(since - 200) < 1, `call ${i + 1} goes ${since} ms after the one before`);
      }
      const rows = await pools[
        0
      ]!`SELECT service, action, region, credential FROM tcflow_rate_buckets ORDER BY region`;
      assert.deepEqual(rows.map((r) => [r.service, r.action, r.region, r.credential]), [
        ["cvm", "RunInstances", "ap-beijing", "AKID\u00e9"],
        ["cvm", "RunInstances", "ap-guangzhou", "AKID\u00e9"],
      ]);
    } finally {
      await Promise.all(pools.map((sql) => sql.end()));
      await db.drop();
    }
  },
});

Deno.test({
  name: "pg rate limiter: calls that ask together share one statement, paced the same",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const sql = postgres(db.url, { max: 4, onnotice: () => {} });
    try {
      await migrate(sql);
      let statements = 0;
      // The real pool behind, counting the statements the limiter sends.
      const counted = ((...args: Parameters<typeof sql>) => {
        statements++;
        return sql(...args);
      }) as unknown as typeof sql;
      const sends: number[] = [];
      const limiter = createPgRateLimiter({
        sql: counted,
        headroom: 1,
        onSlot: (_, ms) => sends.push(ms),
        deps: { now: () => 0, sleep: () => Promise.resolve() },
      });
      const key = rateKey({ service: "cvm", action: "A", region: "r", secretId: "AKID" });
      // 16 items claimed at once ask together: the first alone, the other 15 in one statement.
      await Promise.all(Array.from({ length: 16 }, () => limiter.acquire(key, 10)));
      assert.equal(statements, 2);
      assert.equal(sends.length, 16);
      assert.ok(sends[1]! - sends[0]! < 50, "the first 2 go at once");
      for (let i = 2; i < 16; i++) {
        const since = sends[i]! - sends[i === 2 ? 0 : i - 1]!;
        assert.ok(Math.abs(since - 100) < 1, `call ${i + 1} goes ${since} ms after the one before`);
      }
      // An aborted call gives up at once.
      const abort = new AbortController();
      abort.abort(new Error("stopped"));
      await assert.rejects(limiter.acquire(key, 10, abort.signal), /stopped/);
    } finally {
      await sql.end();
      await db.drop();
    }
  },
});

Deno.test("slot validity: a slot is spendable until the grace after it, not at the grace", () => {
  // The grace: what the headroom leaves below the documented rate (1/0.95 - 1 s = 52.6 ms),
  // at least one interval.
  assert.equal(slotGraceMs(10, 0.95).toFixed(1), "52.6");
  assert.equal(slotGraceMs(100, 0.95), 100);
  assert.equal(slotGraceMs(100, 1), 100);
  // Slot due at 1000 ms (local clock), grace 10 ms.
  assert.equal(slotSpendable(1000, 990, 10), true); // woke early (a fake sleep): spend
  assert.equal(slotSpendable(1000, 1000, 10), true);
  assert.equal(slotSpendable(1000, 1009.9, 10), true);
  assert.equal(slotSpendable(1000, 1010, 10), false); // one interval late: wasted
  assert.equal(slotSpendable(1000, 1400, 10), false);
  // The slot on the local clock counts from when the statement was sent: asked at 500 (local),
  // the database said now = 7000 and slot = 7040 (its clock) -> due at 540 locally.
  assert.equal(localSlotMs(500, 7000, 7040), 540);
  // A slot at the database's now (the burst) is due when the statement was sent.
  assert.equal(localSlotMs(500, 7000, 7000), 500);
});

Deno.test({
  name: "pg rate limiter: a caller that wakes past the grace wastes its slot and takes a new one",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const sql = postgres(db.url, { max: 2, onnotice: () => {} });
    try {
      await migrate(sql);
      // An injected local clock: each sleep oversleeps by `overMs` (a loaded host's late
      // timer), then `overMs` is 0 (the next sleep is on time).
      let clock = 0;
      let overMs = 0;
      const spends: SlotSpend[] = [];
      const slots: number[] = [];
      const limiter = createPgRateLimiter({
        sql,
        headroom: 1,
        onSlot: (_, ms) => slots.push(ms),
        onSpend: (_, spend) => spends.push(spend),
        deps: {
          now: () => clock,
          sleep: (ms) => {
            clock += ms + overMs;
            overMs = 0;
            return Promise.resolve();
          },
        },
      });
      const key = rateKey({ service: "cvm", action: "A", region: "r", secretId: "AKID" });
      // A backlog of 10 s in the bucket: every slot handed out is in the future, so every
      // caller sleeps (whatever the real time the test takes).
      await sql`INSERT INTO tcflow_rate_buckets (service, action, region, credential, tat)
        VALUES ('cvm', 'A', 'r', 'AKID', now() + interval '10 seconds')`;
      // 10/s at headroom 1: one slot every 100 ms, a grace of 100 ms. The caller wakes 150 ms
      // late: not sent, a new slot.
      overMs = 150;
      await limiter.acquire(key, 10);
      assert.deepEqual(spends.map((s) => s.spent), [false, true]);
      assert.equal(slots.length, 2, "one acquire took two slots");
      assert.ok(spends[0]!.lateMs >= 150, `late by ${spends[0]!.lateMs} ms`);
      // The new slot is a later one: the wasted slot stays used in the bucket.
      assert.ok(slots[1]! > slots[0]!, `new slot ${slots[1]} after the wasted ${slots[0]}`);
      // Late by less than the grace: spent.
      overMs = 60;
      await limiter.acquire(key, 10);
      assert.deepEqual(spends.map((s) => s.spent), [false, true, true]);
      assert.equal(slots.length, 3);
    } finally {
      await sql.end();
      await db.drop();
    }
  },
});
