/**
 * The items of one `foreach` spread over every worker (PRODUCT.md section 14), on a real
 * PostgreSQL against the real emulator: three workers share one run's items, each item is
 * sent once, the run's next step starts when they are all done, and the run's journal holds
 * every item as if one process had run it.
 */
import assert from "node:assert/strict";
import { createEmulator, DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { PgJournalStore } from "../lib/journal/pg_store.ts";
import { runCli } from "./_cli.ts";
import { freshDatabase, stopTestServer, testServer } from "./_postgres.ts";

const server = await testServer();
if (typeof server === "string") console.log(`pg_items_test: ${server}`);
Deno.test.afterAll(stopTestServer);
const ignore = typeof server === "string";

const TARGET = "rmq-72mo3a9o";
const ENV = {
  TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
  TENCENTCLOUD_REGION: "ap-guangzhou",
};
const ITEMS = 24;
const WORKFLOW = `
tcflow: 1
name: spread
region: ap-guangzhou
inputs:
  names: { type: list, default: [${Array.from({ length: ITEMS }, (_, i) => `spread-${i}`)}] }
steps:
  - id: create
    action: trocket.CreateTopic
    foreach: \${{ inputs.names }}
    concurrency: 6
    with: { InstanceId: ${TARGET}, Topic: \${{ item }}, TopicType: NORMAL, QueueNum: 3 }
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET}, Limit: 100 }
outputs:
  created: \${{ size(steps.create.outputs) }}
`;

Deno.test({
  name:
    "items: three workers share the items of one foreach; each is sent once, then the next step",
  ignore,
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const dir = await Deno.makeTempDir({ prefix: "tcflow-pgitems-" });
    try {
      await Deno.writeTextFile(`${dir}/w.yaml`, WORKFLOW);
      // Each create takes 100 ms: one worker alone could not hold the step's 6 slots.
      const emulator = createEmulator({ faults: "latency=100ms;actions=CreateTopic" });
      const cli = (args: string[]) =>
        runCli([...args, "--store", db.url], {
          env: ENV,
          deps: { fetch: emulator.handle },
          cwd: dir,
        });
      const queued = await cli(["submit", "w.yaml", "--json"]);
      assert.equal(queued.code, 0, queued.stderr);
      const runId = JSON.parse(queued.stdout).run_id;
      const workers = await Promise.all(["wa", "wb", "wc"].map((name) =>
        cli([
          "worker",
          "--name",
          name,
          "--concurrency",
          "2",
          "--exit-when-idle",
          "--endpoint-url",
          "http://emulator.test",
        ])
      ));
      const stderr = workers.map((w) => w.stderr).join("");
      for (const w of workers) assert.equal(w.code, 0, stderr);
      // Every worker sent some of the items, and every item was claimed once.
      const claimedBy = workers.map((w) =>
        [...w.stderr.matchAll(/finished (\d+) items? [\d, -]+ of run \S+ \(create\)/g)]
          .reduce((sum, m) => sum + Number(m[1]), 0)
      );
      assert.equal(claimedBy.reduce((a, b) => a + b, 0), ITEMS, stderr);
      for (const n of claimedBy) assert.ok(n > 0, `a worker sent no item: ${claimedBy}\n${stderr}`);
      const creates = emulator.calls().filter((c) => c.action === "CreateTopic");
      const topics = creates.map((c) => (c.params as { Topic: string }).Topic).sort();
      assert.deepEqual(topics, Array.from({ length: ITEMS }, (_, i) => `spread-${i}`).sort());
      // The list ran after the last create.
      const lastCreate = Math.max(...creates.map((c) => c.seq));
      const list = emulator.calls().find((c) => c.action === "DescribeTopicList");
      assert.ok(list !== undefined && list.seq > lastCreate, "the next step waited for the items");
      assert.match(stderr, new RegExp(`finished run ${runId} succeeded`));

      // The journal holds every item, as a single process would have written it.
      const store = await PgJournalStore.connect(db.url);
      try {
        const record = await store.read(runId);
        const finished = record.events.filter((e) => e.type === "item-finished");
        assert.equal(finished.length, ITEMS);
        assert.ok(finished.every((e) => e.type === "item-finished" && e.status === "succeeded"));
        const done = record.events.find((e) => e.type === "run-finished");
        assert.equal(done?.type === "run-finished" && done.status, "succeeded");
      } finally {
        await store.end();
      }
      const shown = await cli(["report", runId, "--json"]);
      assert.equal(shown.code, 0, shown.stderr);
    } finally {
      await db.drop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "items: an answer that holds a literal *** is data, read by the next step (not redacted)",
  ignore,
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const dir = await Deno.makeTempDir({ prefix: "tcflow-pgitems-" });
    try {
      await Deno.writeTextFile(
        `${dir}/w.yaml`,
        `
tcflow: 1
name: stars
region: ap-guangzhou
steps:
  - id: make
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: noted, TopicType: NORMAL, QueueNum: 3, Remark: "a *** note" }
  - id: look
    action: trocket.DescribeTopic
    foreach: \${{ ["noted"] }}
    with: { InstanceId: ${TARGET}, Topic: \${{ item }} }
  - id: use
    set: { remark: \${{ steps.look.outputs[0].Remark }} }
outputs:
  remark: \${{ steps.use.outputs.remark }}
`,
      );
      const emulator = createEmulator();
      const cli = (args: string[]) =>
        runCli([...args, "--store", db.url], {
          env: ENV,
          deps: { fetch: emulator.handle },
          cwd: dir,
        });
      const queued = await cli(["submit", "w.yaml", "--json"]);
      assert.equal(queued.code, 0, queued.stderr);
      const runId = JSON.parse(queued.stdout).run_id;
      const worker = await cli([
        "worker",
        "--name",
        "w1",
        "--exit-when-idle",
        "--endpoint-url",
        "http://emulator.test",
      ]);
      assert.equal(worker.code, 0, worker.stderr);
      // The item was sent by the worker, through PostgreSQL (not by a run in this process).
      assert.match(worker.stderr, /finished 1 item 0 of run \S+ \(look\)/);
      assert.match(worker.stderr, new RegExp(`finished run ${runId} succeeded`));
      const store = await PgJournalStore.connect(db.url);
      try {
        const done = (await store.read(runId)).events.find((e) => e.type === "run-finished");
        assert.deepEqual(done?.type === "run-finished" && done.outputs, { remark: "a *** note" });
      } finally {
        await store.end();
      }
    } finally {
      await db.drop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
