/**
 * The lease re-check before a mutating request, on a real PostgreSQL and the real emulator:
 * once the database says the lease ran out, a create is not sent (LeaseLost) while a read is.
 */
import assert from "node:assert/strict";
import { freshDatabase, stopTestServer, testServer } from "../../test/_postgres.ts";
import { systemDeps } from "../deps.ts";
import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
import { PgJournalStore } from "../journal/pg_store.ts";
import { createTencentClient } from "../tencent/client.ts";
import { leaseGuarded, LeaseLost } from "./lease_guard.ts";

const server = await testServer();
if (typeof server === "string") console.log(`lease_guard_test: ${server}`);
Deno.test.afterAll(stopTestServer);

Deno.test({
  name: "lease guard: after the lease ran out a mutating call is not sent, a read still is",
  ignore: typeof server === "string",
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const store = await PgJournalStore.connect(db.url, { owner: "w1", leaseS: 30 });
    try {
      await store.enqueue({
        format: 1,
        runId: "g1",
        workflow: "guard",
        file: "/w/guard.yaml",
        workflowSource: "tcflow: 1\n",
        workflowSha256: "ef".repeat(32),
        startedMs: Date.UTC(2026, 11, 4),
        inputs: {},
        secretInputNames: [],
      });
      assert.equal((await store.claimNext())?.runId, "g1");
      const emulator = createEmulator();
      const deps = { ...systemDeps(), fetch: emulator.handle };
      const lost: LeaseLost[] = [];
      const client = leaseGuarded(createTencentClient({ deps, credential: DEMO_CREDENTIAL }), {
        runId: "g1",
        holdsLease: () => store.holdsLease("g1"),
        onLost: (error) => lost.push(error),
      });
      const create = (topic: string) =>
        client.call("trocket", "CreateTopic", "2023-03-08", "ap-guangzhou", {
          InstanceId: "rmq-72mo3a9o",
          Topic: topic,
          TopicType: "NORMAL",
          QueueNum: 3,
        }, { idempotent: false });
      await create("while-held");
      await store.sql`UPDATE tcflow_runs SET lease_until = now() - interval '1 second'`;
      await assert.rejects(create("after-expiry"), LeaseLost);
      assert.equal(lost.length, 1);
      await client.call("trocket", "DescribeTopicList", "2023-03-08", "ap-guangzhou", {
        InstanceId: "rmq-72mo3a9o",
      }, { idempotent: true });
      assert.deepEqual(
        emulator.calls().map((c) => c.action),
        ["CreateTopic", "DescribeTopicList"],
        "the create after the expiry was never sent",
      );
    } finally {
      await store.end();
      await db.drop();
    }
  },
});
