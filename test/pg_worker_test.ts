/**
 * `tcflow submit` and `tcflow worker` on a real PostgreSQL, against the real emulator (one
 * emulator shared by every process of a test through `--endpoint-url`): runs are claimed
 * once, a dead worker's run is taken over and continued without sending a finished step
 * again, `submit --wait` behaves like `run`.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { createEmulator, DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import type { RunSink } from "../lib/journal/events.ts";
import { runWorkflow } from "../lib/engine/executor.ts";
import { createRateLimiter } from "../lib/engine/rate_limiter.ts";
import { systemDeps } from "../lib/deps.ts";
import { PgJournalStore } from "../lib/journal/pg_store.ts";
import { journalSink } from "../lib/journal/store.ts";
import { createTencentClient } from "../lib/tencent/client.ts";
import { loadWorkflowText } from "../lib/workflow/load.ts";
import { runCli } from "./_cli.ts";
import { spawnCli } from "./_crash.ts";
import { freshDatabase, stopTestServer, testServer } from "./_postgres.ts";

const server = await testServer();
if (typeof server === "string") console.log(`pg_worker_test: ${server}`);
Deno.test.afterAll(stopTestServer);
const ignore = typeof server === "string";

const TARGET = "rmq-72mo3a9o";
const ENV = {
  TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
  TENCENTCLOUD_REGION: "ap-guangzhou",
};
const WORKFLOW = `
tcflow: 1
name: queued
region: ap-guangzhou
inputs:
  topic: { type: string }
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: \${{ inputs.topic }}, TopicType: NORMAL, QueueNum: 3 }
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
outputs:
  count: \${{ steps.list.outputs.TotalCount }}
`;

async function fixture() {
  if (typeof server === "string") throw new Error(server);
  const db = await freshDatabase(server);
  const dir = await Deno.makeTempDir({ prefix: "tcflow-pgworker-" });
  await Deno.writeTextFile(`${dir}/w.yaml`, WORKFLOW);
  const emulator = createEmulator();
  const cli = (args: string[]) =>
    runCli([...args, "--store", db.url], {
      env: ENV,
      deps: { fetch: emulator.handle },
      cwd: dir,
    });
  const worker = (name: string, more: string[] = []) =>
    cli([
      "worker",
      "--name",
      name,
      "--exit-when-idle",
      "--endpoint-url",
      "http://emulator.test",
      ...more,
    ]);
  const calls = (action: string) => emulator.calls().filter((c) => c.action === action).length;
  return { db, dir, emulator, cli, worker, calls };
}

Deno.test({
  name: "worker: two workers run five queued runs, each claimed and run exactly once",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const queued = await fx.cli(["submit", "w.yaml", "--input", `topic=topic-${i}`, "--json"]);
        assert.equal(queued.code, 0, queued.stderr);
        const doc = JSON.parse(queued.stdout);
        assert.equal(doc.status, "queued");
        ids.push(doc.run_id);
      }
      const before = JSON.parse((await fx.cli(["runs", "--json"])).stdout).runs;
      assert.deepEqual(before.map((r: { status: string }) => r.status), Array(5).fill("queued"));

      const [a, b] = await Promise.all([
        fx.worker("wa", ["--concurrency", "2"]),
        fx.worker("wb", ["--concurrency", "2"]),
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const claimed = [...(a.stderr + b.stderr).matchAll(/claimed run (\S+)/g)].map((m) => m[1]);
      assert.deepEqual(claimed.sort(), [...ids].sort(), a.stderr + b.stderr);
      const finished = (a.stderr + b.stderr).match(/finished run \S+ succeeded/g) ?? [];
      assert.equal(finished.length, 5);
      assert.equal(fx.calls("CreateTopic"), 5, "each run's create was sent once");
      const runs = JSON.parse((await fx.cli(["runs", "--json"])).stdout).runs;
      for (const run of runs) {
        assert.equal(run.status, "succeeded");
        assert.match(run.owner, /^w[ab]$/);
      }
    } finally {
      await fx.db.drop();
    }
  },
});

Deno.test({
  name: "worker: a dead worker's run is reclaimed; its finished create is not sent again",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      const queued = await fx.cli(["submit", "w.yaml", "--input", "topic=survivor", "--json"]);
      const runId = JSON.parse(queued.stdout).run_id;
      // Worker "dead" claims the run, records the create, and dies before the list.
      const dead = await PgJournalStore.connect(fx.db.url, { owner: "dead" });
      const claim = await dead.claimNext();
      assert.equal(claim?.runId, runId);
      const wf = loadWorkflowText(WORKFLOW, `${fx.dir}/w.yaml`).workflow!;
      const deps = { ...systemDeps(), fetch: fx.emulator.handle };
      const journal = journalSink(dead, runId);
      let gone = false;
      const dying: RunSink = {
        async append(event) {
          if (gone) throw new Error("killed");
          await journal.append(event);
          if (event.type === "step-succeeded" && event.stepId === "create") gone = true;
        },
      };
      await assert.rejects(runWorkflow(wf, {
        inputs: { topic: "survivor" },
        deps,
        client: createTencentClient({ deps, credential: DEMO_CREDENTIAL }),
        rateLimiter: createRateLimiter({ deps }),
        sink: dying,
        runId,
        region: "ap-guangzhou",
      }));
      // Its lease runs out (moved by the database clock rather than waited for).
      await dead.sql`UPDATE tcflow_runs SET lease_until = now() - interval '1 second'`;
      const other = await fx.worker("heir");
      assert.equal(other.code, 0, other.stderr);
      assert.match(other.stderr, new RegExp(`reclaimed run ${runId} \\(queued\\) from dead`));
      assert.match(other.stderr, new RegExp(`finished run ${runId} succeeded`));
      assert.equal(fx.calls("CreateTopic"), 1, "the create finished by the dead worker");
      assert.equal(fx.calls("DescribeTopicList"), 1);
      // The dead worker, back from the grave, records nothing.
      await assert.rejects(
        journal.append({ type: "step-skipped", timeMs: 0, stepId: "list", reason: "not-reached" }),
      );
      await dead.end();
      const runs = JSON.parse((await fx.cli(["runs", "--json"])).stdout).runs;
      assert.equal(runs[0].status, "succeeded");
      assert.equal(runs[0].owner, "heir");
    } finally {
      await fx.db.drop();
    }
  },
});

Deno.test({
  name: "submit --wait --json prints the run document once a worker has run it",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      const waiting = fx.cli(["submit", "w.yaml", "--input", "topic=waited", "--wait", "--json"]);
      // The worker starts once the run is queued (with --exit-when-idle it would leave before).
      for (let i = 0; i < 200; i++) {
        const runs = JSON.parse((await fx.cli(["runs", "--json"])).stdout).runs;
        if (runs.length === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const [submitted, worked] = await Promise.all([waiting, fx.worker("w1")]);
      assert.equal(worked.code, 0, worked.stderr);
      assert.equal(submitted.code, 0, submitted.stderr);
      const doc = JSON.parse(submitted.stdout);
      assert.equal(doc.status, "succeeded");
      assert.deepEqual(doc.outputs, { count: 1 });
      assert.deepEqual(doc.steps.map((s: { id: string; status: string }) => [s.id, s.status]), [
        ["create", "succeeded"],
        ["list", "succeeded"],
      ]);
      const noStore = await runCli(["worker"], { env: ENV });
      assert.equal(noStore.code, 2);
      assert.match(noStore.stderr, /worker: needs --store postgres:\/\//);
    } finally {
      await fx.db.drop();
    }
  },
});

Deno.test({
  name: "submit --wait --json carries a foreach step's items beside its outputs, as run --json",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      await Deno.writeTextFile(
        `${fx.dir}/each.yaml`,
        `tcflow: 1
name: each
region: ap-guangzhou
steps:
  - id: topics
    action: trocket.CreateTopic
    foreach: \${{ ["${TARGET}", "${TARGET}", "rmq-00000000"] }}
    concurrency: 1
    on_error: continue
    with: { InstanceId: \${{ item }}, Topic: each-\${{ index }}, TopicType: NORMAL, QueueNum: 3 }
`,
      );
      const waiting = fx.cli(["submit", "each.yaml", "--wait", "--json"]);
      for (let i = 0; i < 200; i++) {
        const runs = JSON.parse((await fx.cli(["runs", "--json"])).stdout).runs;
        if (runs.length === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const [submitted, worked] = await Promise.all([waiting, fx.worker("w1")]);
      assert.equal(worked.code, 0, worked.stderr);
      // on_error: continue: the step failed, the run goes on and succeeds.
      assert.equal(submitted.code, 0, submitted.stderr);
      const doc = JSON.parse(submitted.stdout);
      const [step] = doc.steps;
      assert.equal(step.status, "failed");
      assert.deepEqual(step.items.map((i: { status: string }) => i.status), [
        "succeeded",
        "succeeded",
        "failed",
      ]);
      assert.deepEqual(step.items.slice(0, 2), [
        { index: 0, status: "succeeded", attempts: 1 },
        { index: 1, status: "succeeded", attempts: 1 },
      ]);
      assert.match(step.items[2].error.code, /^ResourceNotFound/);
      assert.match(step.items[2].error.message, /^item 2: /);
      assert.deepEqual(
        step.outputs.map((o: { TopicName?: string } | null) => o === null ? null : "created"),
        ["created", "created", null],
      );
    } finally {
      await fx.db.drop();
    }
  },
});

Deno.test({
  name: "worker: its pool is open before it says ready (no logins in the first burst of claims)",
  ignore,
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const worker = spawnCli(["worker", "--store", db.url, "--name", "w1", "--concurrency", "5"]);
    const sql = postgres(server.adminUrl, { max: 1, onnotice: () => {} });
    try {
      assert.match(await worker.waitForLine(/ready/) ?? "", /worker w1: ready/);
      const name = new URL(db.url).pathname.slice(1);
      const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = ${name} AND application_name = 'tcflow'`;
      // --concurrency 5: 5 + 2 connections (a login costs tens of ms of the event loop), and
      // the heartbeats' own one.
      assert.equal(row?.n, 8);
    } finally {
      worker.child.kill("SIGTERM");
      await worker.done();
      await sql.end();
      await db.drop();
    }
  },
});
