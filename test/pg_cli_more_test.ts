/**
 * More of the CLI on a PostgreSQL store (issue 14 items 7 and 8), from the real `cli.ts`
 * processes against the emulator served over loopback: `notebook` journals on the database
 * and `notebook --run` reopens it without sending again; `rollback` undoes a database run and
 * `runs`/`report` say `rolled_back`; a schema from a newer tcflow is exit 3 naming the host;
 * a worker whose database goes away mid-run retries and finishes the run, its lease
 * protecting the work.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { serveEmulator } from "../lib/emulator/server.ts";
import { SCHEMA_VERSION } from "../lib/journal/pg_schema.ts";
import { PgJournalStore } from "../lib/journal/pg_store.ts";
import { hasStackTrace, runCliProcess } from "./_cli.ts";
import { spawnCli } from "./_crash.ts";
import { freshDatabase, pauseTestServer, stopTestServer, testServer } from "./_postgres.ts";

const server = await testServer();
if (typeof server === "string") console.log(`pg_cli_more_test: ${server}`);
Deno.test.afterAll(stopTestServer);
const ignore = typeof server === "string";

const ENV = {
  TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
  TENCENTCLOUD_REGION: "ap-guangzhou",
};

const PLANS = `
tcflow: 1
name: pg-plans
region: ap-guangzhou
steps:
  - id: first
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: pg-first }
    undo:
      action: apigateway.DeleteUsagePlan
      with: { UsagePlanId: "\${{ steps.first.outputs.Result.UsagePlanId }}" }
  - id: second
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: pg-second }
    undo:
      action: apigateway.DeleteUsagePlan
      with: { UsagePlanId: "\${{ steps.second.outputs.Result.UsagePlanId }}" }
`;

Deno.test({
  name: "pg cli: notebook on --store, reopened with --run sends nothing again; rollback, " +
    "runs and report on the database say rolled_back",
  ignore,
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const emulator = await serveEmulator({ port: 0 });
    const dir = await Deno.makeTempDir({ prefix: "tcflow-pgnb-" });
    const calls = (action: string) =>
      emulator.emulator.calls().filter((c) => c.action === action).length;
    try {
      await Deno.writeTextFile(`${dir}/plans.yaml`, PLANS);
      const target = ["--store", db.url, "--endpoint-url", emulator.url];
      const first = await runCliProcess(["notebook", `${dir}/plans.yaml`, ...target], {
        env: ENV,
        stdin: "run\nquit\n",
      });
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /1\. ✓ first/);
      const runId = /reopen with: tcflow notebook --run (\S+)/.exec(first.stdout)?.[1];
      assert.ok(runId, first.stdout);
      assert.equal(calls("CreateUsagePlan"), 1);
      await assert.rejects(Deno.stat(`${dir}/.tcflow`), Deno.errors.NotFound);

      const second = await runCliProcess(["notebook", "--run", runId, ...target], {
        env: ENV,
        stdin: "show 1\nrun\nquit\n",
      });
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /pg-first/, "the first cell's result is restored");
      assert.match(second.stdout, /2\. ✓ second/);
      assert.equal(calls("CreateUsagePlan"), 2, "the first cell was not sent again");

      const rolled = await runCliProcess(["rollback", runId, ...target, "--json"], { env: ENV });
      assert.equal(rolled.code, 0, rolled.stderr);
      assert.equal(calls("DeleteUsagePlan"), 2);
      const again = await runCliProcess(["rollback", runId, ...target], { env: ENV });
      assert.equal(
        calls("DeleteUsagePlan"),
        2,
        `a second rollback repeats nothing: ${again.stderr}`,
      );

      const listed = await runCliProcess(["runs", "--json", "--store", db.url]);
      assert.equal(listed.code, 0, listed.stderr);
      const [run] = JSON.parse(listed.stdout).runs;
      assert.equal(run.run_id, runId);
      assert.equal(run.status, "rolled_back");
      const report = await runCliProcess(["report", runId, "--store", db.url]);
      assert.equal(report.code, 0, report.stderr);
      assert.match(report.stdout, /rolled_back|rolled back/);
    } finally {
      await emulator.close();
      await Deno.remove(dir, { recursive: true });
      await db.drop();
    }
  },
});

Deno.test({
  name: "pg cli: a schema from a newer tcflow is exit 3 naming the host, no password",
  ignore,
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    try {
      const store = await PgJournalStore.connect(db.url);
      await store.sql`UPDATE tcflow_schema SET version = ${SCHEMA_VERSION + 1}`;
      await store.end();
      const url = new URL(db.url);
      for (const args of [["runs"], ["worker", "--exit-when-idle"], ["report", "nope"]]) {
        const out = await runCliProcess([...args, "--store", db.url], { env: ENV });
        assert.equal(out.code, 3, `${args[0]}: ${out.stderr}`);
        assert.ok(out.stderr.includes(url.host), out.stderr);
        assert.match(out.stderr, /newer than this tcflow's/);
        assert.ok(!(out.stdout + out.stderr).includes(decodeURIComponent(url.password)));
        assert.equal(hasStackTrace(out.stderr), false, out.stderr);
      }
    } finally {
      await db.drop();
    }
  },
});

const SLOW = `
tcflow: 1
name: pg-slow
region: ap-guangzhou
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: rmq-72mo3a9o, Topic: pg-away, TopicType: NORMAL, QueueNum: 3 }
  - id: look
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-72mo3a9o }
`;

Deno.test({
  name: "pg worker: the database goes away mid-run for 3 s: the worker retries with backoff " +
    "and finishes the run; nothing is sent twice",
  ignore,
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    // The second step is answered after 2 s: the database goes away while it is in flight.
    const emulator = await serveEmulator({
      port: 0,
      faults: "latency=2s;actions=DescribeTopicList",
    });
    const dir = await Deno.makeTempDir({ prefix: "tcflow-pgaway-" });
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      await Deno.writeTextFile(`${dir}/w.yaml`, SLOW);
      const submitted = await runCliProcess(
        ["submit", `${dir}/w.yaml`, "--store", db.url, "--json"],
        { env: ENV },
      );
      assert.equal(submitted.code, 0, submitted.stderr);
      const { run_id: runId } = JSON.parse(submitted.stdout);
      const worker = spawnCli([
        "worker",
        "--store",
        db.url,
        "--name",
        "w1",
        "--exit-when-idle",
        "--lease",
        "10s",
        "--endpoint-url",
        emulator.url,
      ]);
      // Once the create is journaled, the look is in flight (2 s): stop the server for 3 s.
      for (let i = 0; i < 600; i++) {
        const rows = await sql`SELECT 1 FROM tcflow_events WHERE run_id = ${runId}
          AND event LIKE '%"step-succeeded"%' AND event LIKE '%"create"%'`;
        if (rows.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await sql.end();
      await pauseTestServer(3000);
      const out = await worker.done();
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stderr, /database unreachable|retrying/, out.stderr);
      assert.match(out.stderr, /finished run \S+ succeeded/);
      const calls = emulator.emulator.calls();
      assert.equal(calls.filter((c) => c.action === "CreateTopic").length, 1);
      assert.equal(calls.filter((c) => c.action === "DescribeTopicList").length, 1);
      const listed = await runCliProcess(["runs", "--json", "--store", db.url]);
      assert.equal(JSON.parse(listed.stdout).runs[0].status, "succeeded");
    } finally {
      await sql.end().catch(() => {});
      await emulator.close();
      await Deno.remove(dir, { recursive: true });
      await db.drop();
    }
  },
});

Deno.test({
  name:
    "pg cli: submit without TCFLOW_SEAL_KEY refuses a secret input naming it and what to do instead; nothing queued",
  ignore,
  fn: async () => {
    if (typeof server === "string") return;
    const db = await freshDatabase(server);
    const dir = await Deno.makeTempDir({ prefix: "tcflow-pgsecret-" });
    try {
      await Deno.writeTextFile(
        `${dir}/w.yaml`,
        `tcflow: 1
name: pg-secret
region: ap-guangzhou
inputs:
  token: { type: string, secret: true }
steps:
  - id: look
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-72mo3a9o, Filters: [{ Name: TopicName, Values: ["\${{ inputs.token }}"] }] }
`,
      );
      const out = await runCliProcess(
        ["submit", `${dir}/w.yaml`, "--store", db.url, "--input", "token=Sup3r-S3cret-Value"],
        { env: ENV },
      );
      assert.equal(out.code, 2, out.stderr);
      assert.match(out.stderr, /--input token is a secret input/);
      assert.match(out.stderr, /TCFLOW_SEAL_KEY is not set\. Set it to the same key on this/);
      assert.match(out.stderr, /tcflow run \S+w\.yaml --store … --input token=…/);
      assert.ok(!(out.stdout + out.stderr).includes("Sup3r-S3cret-Value"));
      assert.equal(hasStackTrace(out.stderr), false);
      const listed = await runCliProcess(["runs", "--json", "--store", db.url]);
      assert.deepEqual(JSON.parse(listed.stdout).runs, [], "nothing was queued");

      await Deno.writeTextFile(
        `${dir}/s.yaml`,
        'tcflow: 1\nname: s\nschedule: "* * * * *"\nsteps:\n  - id: a\n' +
          "    action: trocket.DescribeTopicList\n    with: { InstanceId: rmq-72mo3a9o }\n",
      );
      const bad = await runCliProcess(["schedule", `${dir}/s.yaml`, "--store", db.url, "--once"], {
        env: { ...ENV, TCFLOW_SCHEDULE_CLOCK: "start=soon" },
      });
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /TCFLOW_SCHEDULE_CLOCK must read start=<ISO time>/);
    } finally {
      await Deno.remove(dir, { recursive: true });
      await db.drop();
    }
  },
});
