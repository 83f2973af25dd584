/**
 * Reclaim of `foreach` items after a worker died (PRODUCT.md section 14), on a real
 * PostgreSQL: a finished item is never sent again; an item in flight at the death is re-sent
 * with the same ClientToken when the action takes one (the emulator answers a repeated token
 * with its first answer, like the real API), otherwise it becomes `uncertain` without being sent; the dead worker,
 * back, records nothing.
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { systemDeps } from "../deps.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
import { createRateLimiter } from "../engine/rate_limiter.ts";
import type { RemoteItem, RemoteStep } from "../engine/item_dispatch.ts";
import { PgJournalStore } from "../journal/pg_store.ts";
import { createTencentClient } from "../tencent/client.ts";
import { DEFAULT_RETRY } from "../workflow/defaults.ts";
import { freshDatabase, stopTestServer, testServer } from "../../test/_postgres.ts";
import { decodeOutcome, encodeOutcome } from "./item_outcome.ts";
import { ItemWorker } from "./item_worker.ts";
import { claimItems, completeItem, completeItems, publishItems } from "./pg_items.ts";

const server = await testServer();
Deno.test.afterAll(stopTestServer);
const ignore = typeof server === "string";
const NONE = { again: new Set<number>(), inFlight: new Set<number>() };

async function withStore(fn: (store: PgJournalStore) => Promise<void>): Promise<void> {
  if (typeof server === "string") return;
  const db = await freshDatabase(server);
  const store = await PgJournalStore.connect(db.url);
  try {
    await store.sql`INSERT INTO tcflow_runs (run_id, workflow, file, meta, started_ms,
      last_event_ms, status) VALUES ('run-1', 'w', 'w.yaml', '{}', 0, 0, 'running')`;
    await fn(store);
  } finally {
    await store.end();
    await db.drop();
  }
}

/** The outcomes recorded for a step, by index. */
async function outcomes(sql: postgres.Sql) {
  const rows = await sql<{ idx: number; outcome: string | null }[]>`
    SELECT idx, outcome FROM tcflow_items ORDER BY idx`;
  return rows.map((r) => (r.outcome === null ? undefined : decodeOutcome(r.outcome)));
}

function heir(store: PgJournalStore, fetch: (r: Request) => Promise<Response>, lines: string[]) {
  const deps = { ...systemDeps(), fetch };
  const client = createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } });
  return new ItemWorker({
    sql: store.sql,
    owner: "heir",
    leaseS: 10,
    slots: 4,
    deps,
    clientFor: () => Promise.resolve(client),
    rateLimiter: createRateLimiter({ deps }),
    log: (line) => lines.push(line),
  });
}

Deno.test({
  name: "items: a dead worker's items in flight become uncertain unsent; finished ones stay",
  ignore,
  fn: () =>
    withStore(async (store) => {
      const step: RemoteStep = {
        runId: "run-1",
        stepId: "create",
        concurrency: 10,
        policy: DEFAULT_RETRY,
        unsafe: "trocket.CreateTopic changes resources and takes no ClientToken",
      };
      const items: RemoteItem[] = [0, 1, 2].map((index) => ({
        index,
        target: {
          service: "trocket",
          action: "CreateTopic",
          version: "2023-03-08",
          region: "ap-guangzhou",
        },
        params: { InstanceId: "rmq-72mo3a9o", Topic: `t-${index}`, TopicType: "NORMAL" },
      }));
      await publishItems(store.sql, step, items, NONE);
      const held = await claimItems(store.sql, "dead", 10, 10);
      assert.deepEqual(held.map((i) => i.index), [0, 1, 2]);
      const finished = encodeOutcome({
        status: "succeeded",
        attempts: 1,
        outputs: { TopicName: "t-0" },
        requests: [items[0]!.params],
        events: [],
      });
      assert.equal(await completeItem(store.sql, held[0]!, finished), true);
      // "dead" dies; its leases run out (moved by the database clock rather than waited for).
      await store.sql`UPDATE tcflow_items SET lease_until = now() - interval '1 second'
        WHERE status = 'running'`;
      const emulator = createEmulator();
      const lines: string[] = [];
      const worker = heir(store, emulator.handle, lines);
      try {
        assert.equal(await worker.claim(), 2);
        await worker.drain();
      } finally {
        worker.close();
      }
      assert.equal(emulator.calls().length, 0, "nothing was sent again");
      const [first, second, third] = await outcomes(store.sql);
      assert.equal(first?.status, "succeeded");
      for (const later of [second, third]) {
        assert.equal(later?.status, "uncertain");
        assert.equal(later?.error?.code, "E_INTERRUPTED");
        assert.match(later?.error?.message ?? "", /\(dead\) stopped while it was in flight/);
      }
      assert.ok(lines.includes("reclaimed item 1 of run run-1 (create) from dead"), lines.join());
      // The dead worker, back, records nothing.
      assert.equal(await completeItem(store.sql, held[1]!, finished), false);
      assert.equal((await outcomes(store.sql))[1]?.status, "uncertain");
    }),
});

Deno.test({
  name: "items: an item in flight at a death is re-sent with the same ClientToken",
  ignore,
  fn: () =>
    withStore(async (store) => {
      const emulator = createEmulator();
      const handle = (request: Request) => emulator.handle(request);
      const step: RemoteStep = {
        runId: "run-1",
        stepId: "eip",
        concurrency: 10,
        policy: DEFAULT_RETRY,
      };
      const item: RemoteItem = {
        index: 0,
        target: {
          service: "vpc",
          action: "AllocateAddresses",
          version: "2017-03-12",
          region: "ap-guangzhou",
        },
        params: { AddressCount: 1n },
        clientToken: "tok-item-0",
      };
      await publishItems(store.sql, step, [item], NONE);
      const [held] = await claimItems(store.sql, "dead", 10, 10);
      // "dead" sent it (the emulator applied it), then died before recording anything.
      const deps = { ...systemDeps(), fetch: handle };
      const client = createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } });
      await client.call("vpc", "AllocateAddresses", "2017-03-12", "ap-guangzhou", item.params, {
        clientToken: "tok-item-0",
        idempotent: true,
      });
      await store.sql`UPDATE tcflow_items SET lease_until = now() - interval '1 second'`;
      const lines: string[] = [];
      const worker = heir(store, handle, lines);
      try {
        assert.equal(await worker.claim(), 1);
        await worker.drain();
      } finally {
        worker.close();
      }
      const calls = emulator.calls().filter((c) => c.action === "AllocateAddresses");
      assert.deepEqual(
        calls.map((c) => [c.outcome, (c.params as { ClientToken?: string }).ClientToken]),
        [["ok", "tok-item-0"], ["ok", "tok-item-0"]],
      );
      const tokens = (emulator.state().vpc as { tokens: Record<string, unknown> }).tokens;
      assert.deepEqual(
        Object.keys(tokens),
        ["2017-03-12|AllocateAddresses|tok-item-0"],
        "the same token applied nothing new",
      );
      const [outcome] = await outcomes(store.sql);
      assert.equal(outcome?.status, "succeeded");
      assert.deepEqual(outcome?.requests, [{ AddressCount: 1n, ClientToken: "tok-item-0" }]);
      assert.equal(await completeItem(store.sql, held!, "{}"), false, "the dead one is fenced");
    }),
});

Deno.test({
  name: "items: outcomes finished together are recorded in one statement, each fenced alone",
  ignore,
  fn: () =>
    withStore(async (store) => {
      const step: RemoteStep = {
        runId: "run-1",
        stepId: "look",
        concurrency: 16,
        policy: DEFAULT_RETRY,
      };
      const items: RemoteItem[] = Array.from({ length: 16 }, (_, index) => ({
        index,
        target: {
          service: "trocket",
          action: "DescribeTopicList",
          version: "2023-03-08",
          region: "ap-guangzhou",
        },
        params: { InstanceId: "rmq-72mo3a9o" },
      }));
      await publishItems(store.sql, step, items, NONE);
      const held = await claimItems(store.sql, "w", 10, 16);
      // Item 3 was taken over by another worker meanwhile: its epoch moved on.
      await store.sql`UPDATE tcflow_items SET epoch = epoch + 1 WHERE idx = 3`;
      const recorded = await completeItems(
        store.sql,
        held.map((item) => ({ item, outcome: `{"status":"succeeded","i":${item.index}}` })),
      );
      assert.deepEqual(recorded, held.map((item) => item.index !== 3));
      const rows = await store.sql<{ idx: number; status: string; outcome: string | null }[]>`
        SELECT idx, status, outcome FROM tcflow_items ORDER BY idx`;
      for (const row of rows) {
        if (row.idx === 3) assert.equal(row.status, "running");
        else assert.equal(row.outcome, `{"status":"succeeded","i":${row.idx}}`);
      }

      // A worker's 16 items answered at once: their outcomes take far fewer than 16 statements.
      await store.sql`DELETE FROM tcflow_items`;
      await publishItems(store.sql, step, items, NONE);
      let statements = 0;
      const counted = ((...args: Parameters<typeof store.sql>) => {
        statements++;
        return store.sql(...args);
      }) as unknown as typeof store.sql;
      Object.assign(counted, { begin: store.sql.begin.bind(store.sql) });
      const emulator = createEmulator();
      const deps = { ...systemDeps(), fetch: emulator.handle };
      const client = createTencentClient({ deps, credential: { ...DEMO_CREDENTIAL } });
      const worker = new ItemWorker({
        sql: counted,
        owner: "w2",
        leaseS: 10,
        slots: 16,
        deps,
        clientFor: () => Promise.resolve(client),
        rateLimiter: createRateLimiter({ deps, scale: 1000 }),
        log: () => {},
      });
      try {
        assert.equal(await worker.claim(), 16);
        await worker.drain();
      } finally {
        worker.close();
      }
      const done = await store.sql`SELECT 1 FROM tcflow_items WHERE status = 'done'`;
      assert.equal(done.length, 16);
      assert.ok(statements < 16, `${statements} statements for 16 outcomes`);
    }),
});

Deno.test({
  name: "items: claimers at once never hold more than the step's concurrency",
  ignore,
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const stores = await Promise.all([0, 1, 2].map(() => PgJournalStore.connect(db.url)));
    try {
      const sql = stores[0]!.sql;
      await sql`INSERT INTO tcflow_runs (run_id, workflow, file, meta, started_ms,
        last_event_ms, status) VALUES ('run-1', 'w', 'w.yaml', '{}', 0, 0, 'running')`;
      const step: RemoteStep = {
        runId: "run-1",
        stepId: "s",
        concurrency: 10,
        policy: DEFAULT_RETRY,
      };
      const items: RemoteItem[] = Array.from({ length: 100 }, (_, index) => ({
        index,
        target: {
          service: "trocket",
          action: "DescribeTopicList",
          version: "2023-03-08",
          region: "ap-guangzhou",
        },
        params: {},
      }));
      await publishItems(sql, step, items, NONE);
      // 9 claimers on 3 pools ask for 4 each at once: 10 in all may run.
      const claims = await Promise.all(
        Array.from({ length: 9 }, (_, i) => claimItems(stores[i % 3]!.sql, `w${i}`, 10, 4)),
      );
      const held = claims.flat();
      assert.equal(held.length, 10);
      assert.equal(new Set(held.map((item) => item.index)).size, 10, "no item claimed twice");
      // Two finish: room for two more, no more.
      await completeItems(sql, held.slice(0, 2).map((item) => ({ item, outcome: "{}" })));
      const more = await Promise.all([claimItems(sql, "x", 10, 16), claimItems(sql, "y", 10, 16)]);
      assert.equal(more.flat().length, 2);
    } finally {
      await Promise.all(stores.map((store) => store.end()));
      await db.drop();
    }
  },
});

Deno.test({
  name: "items: a claim that waited for another claimer's lock gets a whole lease from its end",
  ignore,
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const [store, other] = await Promise.all([0, 1].map(() => PgJournalStore.connect(db.url)));
    try {
      await store!.sql`INSERT INTO tcflow_runs (run_id, workflow, file, meta, started_ms,
        last_event_ms, status) VALUES ('run-1', 'w', 'w.yaml', '{}', 0, 0, 'running')`;
      const step: RemoteStep = {
        runId: "run-1",
        stepId: "s",
        concurrency: 4,
        policy: DEFAULT_RETRY,
      };
      const target = {
        service: "trocket",
        action: "CreateTopic",
        version: "2023-03-08",
        region: "ap-guangzhou",
      };
      await publishItems(store!.sql, step, [{ index: 0, target, params: {} }], NONE);
      // Another claimer holds the step row (as a worker SIGSTOPped inside its claim does) for
      // longer than the 2 s lease; this claim waits for it, then claims.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = other!.sql.begin(async (tx) => {
        await tx`SELECT 1 FROM tcflow_item_steps WHERE run_id = 'run-1' FOR UPDATE`;
        locked();
        await held;
      });
      await isLocked;
      const claim = claimItems(store!.sql, "w1", 2, 2);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      release();
      await holder;
      const [item] = await claim;
      assert.ok(item !== undefined);
      // Its lease runs from the claim's end, not from when its transaction began (2.5 s ago,
      // more than the lease: the old claim was born lost, its sender said "lost its lease" and
      // the next claimer made the unsent item uncertain).
      const [row] = await store!.sql<{ left: number }[]>`
        SELECT extract(epoch FROM lease_until - clock_timestamp())::float8 AS left
        FROM tcflow_items WHERE idx = 0`;
      assert.ok(row!.left > 0, `lease left ${row!.left} s`);
    } finally {
      await Promise.all([store!.end(), other!.end()]);
      await db.drop();
    }
  },
});
