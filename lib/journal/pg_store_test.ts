/** The PostgreSQL store: the shared store contract, then what only a database store does. */
import assert from "node:assert/strict";
import type { EventOf } from "./events.ts";
import { freshDatabase, stopTestServer, testServer } from "../../test/_postgres.ts";
import { storeContract } from "./_store_contract.ts";
import { SCHEMA_VERSION } from "./pg_schema.ts";
import postgres from "postgres";
import { PgJournalStore } from "./pg_store.ts";
import { JournalError, type RunMeta } from "./store.ts";

const START = Date.UTC(2026, 11, 4, 9, 0, 0);

const server = await testServer();
if (typeof server === "string") console.log(`pg_store_test: ${server}`);
Deno.test.afterAll(stopTestServer);

storeContract("postgres", async () => {
  if (typeof server === "string") throw new Error(server);
  const db = await freshDatabase(server);
  const store = await PgJournalStore.connect(db.url);
  const end = store.end.bind(store);
  store.end = async () => {
    await end();
    await db.drop();
  };
  return store;
}, { ignore: typeof server === "string" });

Deno.test({
  name: "postgres store: a writer whose lease was taken over is fenced and records nothing",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const a = await PgJournalStore.connect(db.url, { owner: "a", leaseS: 30 });
    const b = await PgJournalStore.connect(db.url, { owner: "b", leaseS: 30 });
    try {
      await a.create(meta("f1"));
      await a.append("f1", started("f1"));
      await assert.rejects(b.open("f1"), code("E_RUN_LOCKED"));
      assert.equal(await a.holdsLease("f1"), true);
      // a stalls past its lease (the database clock says so):
      await a.sql`UPDATE tcflow_runs SET lease_until = now() - interval '1 second'`;
      assert.equal(await a.holdsLease("f1"), false);
      await b.open("f1");
      await assert.rejects(a.append("f1", finished("f1", "succeeded")), code("E_RUN_FENCED"));
      await b.append("f1", finished("f1", "failed"));
      await a.close("f1");
      await b.close("f1");
      const record = await b.read("f1");
      assert.deepEqual(record.events.map((e) => e.type), ["run-started", "run-finished"]);
      assert.equal((record.events[1] as { status: string }).status, "failed");
      const [run] = await b.list();
      assert.equal(run?.owner, "b");
      assert.equal(run?.status, "failed");
    } finally {
      await a.end();
      await b.end();
      await db.drop();
    }
  },
});

Deno.test({
  name: "postgres store: wrong password, closed port and newer schema are E_STORE, no password",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    try {
      const url = new URL(db.url);
      url.password = "Wr0ng-s3cret";
      const refused = await PgJournalStore.connect(url.href).then(() => undefined, (e) => e);
      assert.ok(refused instanceof JournalError && refused.code === "E_STORE", String(refused));
      assert.match(refused.message, /password authentication failed/);
      assert.ok(refused.message.includes(url.host), refused.message);
      assert.ok(!refused.message.includes("Wr0ng-s3cret"), refused.message);

      // A database or a role that does not exist: each said in words, not a code.
      const noDb = new URL(db.url);
      noDb.pathname = "/tcflow_no_such_db";
      const missing = await PgJournalStore.connect(noDb.href).then(() => undefined, (e) => e);
      assert.ok(missing instanceof JournalError && missing.code === "E_STORE", String(missing));
      assert.match(missing.message, /: no such database$/);
      const noRole = new URL(db.url);
      noRole.username = "tcflow_no_such_role";
      const role = await PgJournalStore.connect(noRole.href).then(() => undefined, (e) => e);
      assert.ok(role instanceof JournalError && role.code === "E_STORE", String(role));
      assert.match(
        role.message,
        /: (login refused \(no such role, or not allowed from this host\)|password authentication failed)$/,
      );

      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (listener.addr as Deno.NetAddr).port;
      listener.close();
      url.port = String(port);
      const closed = await PgJournalStore.connect(url.href).then(() => undefined, (e) => e);
      assert.ok(closed instanceof JournalError && closed.code === "E_STORE", String(closed));
      assert.match(closed.message, new RegExp(`127\\.0\\.0\\.1:${port}.*connection refused`));
      assert.ok(!closed.message.includes("Wr0ng-s3cret"));

      const store = await PgJournalStore.connect(db.url);
      await store.sql`UPDATE tcflow_schema SET version = ${SCHEMA_VERSION + 1}`;
      await store.end();
      const newer = await PgJournalStore.connect(db.url).then(() => undefined, (e) => e);
      assert.ok(newer instanceof JournalError && newer.code === "E_STORE", String(newer));
      assert.match(newer.message, /newer than this tcflow's/);
    } finally {
      await db.drop();
    }
  },
});

function meta(runId: string): RunMeta {
  return {
    format: 1,
    runId,
    workflow: "fence",
    file: "/w/fence.yaml",
    workflowSource: "tcflow: 1\n",
    workflowSha256: "cd".repeat(32),
    startedMs: START,
    inputs: {},
    secretInputNames: [],
  };
}

const started = (runId: string): EventOf<"run-started"> => ({
  type: "run-started",
  timeMs: START,
  runId,
  workflow: "fence",
  file: "/w/fence.yaml",
  inputs: {},
  stepIds: [],
});

const finished = (runId: string, status: "succeeded" | "failed"): EventOf<"run-finished"> => ({
  type: "run-finished",
  timeMs: START + 5,
  runId,
  status,
  durationMs: 5,
  outputs: {},
});

const code = (c: string) => (error: unknown) => error instanceof JournalError && error.code === c;

Deno.test({
  name:
    "postgres store: runs are listed from their rows; events are read again only after new ones",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const store = await PgJournalStore.connect(db.url, { owner: "w" });
    try {
      await store.create(meta("l1"));
      await store.append("l1", started("l1"));
      await store.append("l1", finished("l1", "succeeded"));
      await store.close("l1");
      const first = await store.list();
      assert.equal(first[0]?.status, "succeeded");
      // A listing that read the events would now find the run damaged; the cached one does not.
      await store.sql`UPDATE tcflow_events SET event = 'not json' WHERE run_id = 'l1' AND seq = 1`;
      await assert.rejects(store.read("l1"), code("E_RUN_DAMAGED"));
      assert.deepEqual(await store.list(), first);
      // A new event makes the cache stale: the next listing reads the events again.
      await store.open("l1");
      await store.append("l1", finished("l1", "failed"));
      await store.close("l1");
      const [again] = await store.list();
      assert.equal(again?.status, "damaged");
    } finally {
      await store.end();
      await db.drop();
    }
  },
});

Deno.test({
  name: "postgres store: heartbeats renew the lease while every connection of the pool waits",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const other = postgres(db.url, { max: 1, onnotice: () => {} });
    const store = await PgJournalStore.connect(db.url, {
      owner: "w",
      leaseS: 1.5,
      max: 2,
      heartbeatConnection: true,
    });
    let stuck: Promise<unknown> = Promise.resolve();
    try {
      await store.create(meta("hb1"));
      const leaseOf = async () =>
        (await other<{ until: Date; left: boolean }[]>`
          SELECT lease_until AS until, lease_until > now() AS left FROM tcflow_runs
          WHERE run_id = 'hb1'`)[0]!;
      const first = (await leaseOf()).until.getTime();
      // Another session holds a lock that every connection of the store's pool waits for (as
      // a claim waits for another claimer's lock): statements beyond the pool's size are
      // pipelined behind them.
      await other`SELECT pg_advisory_lock(4242)`;
      stuck = Promise.all([1, 2, 3].map(() => store.sql`SELECT pg_advisory_xact_lock(4242)`));
      // The lease is renewed past its first end while the pool waits (on the pool, the
      // heartbeat waited behind the stuck statements and the lease ran out).
      let lease = await leaseOf();
      for (let i = 0; i < 45 && !(lease.until.getTime() > first && lease.left); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        lease = await leaseOf();
      }
      assert.ok(lease.until.getTime() > first, "the lease was not renewed");
      assert.equal(lease.left, true);
    } finally {
      await other`SELECT pg_advisory_unlock(4242)`.catch(() => {});
      await stuck;
      await store.end();
      await other.end();
      await db.drop();
    }
  },
});

Deno.test({
  name:
    "postgres store: a claim that waited for the run's row lock gets a whole lease from its end",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const other = postgres(db.url, { max: 1, onnotice: () => {} });
    const a = await PgJournalStore.connect(db.url, { owner: "a", leaseS: 30 });
    const b = await PgJournalStore.connect(db.url, { owner: "b", leaseS: 2 });
    try {
      await a.create(meta("rl1"));
      await a.close("rl1");
      // Another session holds the run's row (as a stalled claimer inside its transaction does)
      // for longer than b's 2 s lease; b's claim waits for it, then takes the run.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = other.begin(async (tx) => {
        await tx`SELECT 1 FROM tcflow_runs WHERE run_id = 'rl1' FOR UPDATE`;
        locked();
        await held;
      });
      await isLocked;
      const claim = b.claim("rl1");
      await new Promise((resolve) => setTimeout(resolve, 2500));
      release();
      await holder;
      await claim;
      // Its lease runs from the claim's end, not from when its statement began (2.5 s ago, more
      // than the lease: it was born run out, and another worker could claim the run at once).
      const [row] = await other<{ left: number }[]>`
        SELECT extract(epoch FROM lease_until - clock_timestamp())::float8 AS left
        FROM tcflow_runs WHERE run_id = 'rl1'`;
      assert.ok(row!.left > 0, `lease left ${row!.left} s`);
      await b.close("rl1");
    } finally {
      await a.end();
      await b.end();
      await other.end();
      await db.drop();
    }
  },
});
