/**
 * The CLI on a PostgreSQL store (`--store postgres://…`): `run`, `runs --json`, `report` and
 * `resume` against the real emulator, as on files; store problems exit 3 naming the host,
 * never the password, from the real `cli.ts` with the task's permissions.
 */
import assert from "node:assert/strict";
import { createEmulator, DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import type { RunSink } from "../lib/journal/events.ts";
import { runWorkflow } from "../lib/engine/executor.ts";
import { createRateLimiter } from "../lib/engine/rate_limiter.ts";
import { systemDeps } from "../lib/deps.ts";
import { PgJournalStore } from "../lib/journal/pg_store.ts";
import { journalSink, runMeta } from "../lib/journal/store.ts";
import { createTencentClient } from "../lib/tencent/client.ts";
import { loadWorkflowText } from "../lib/workflow/load.ts";
import { hasStackTrace, runCli, runCliProcess } from "./_cli.ts";
import { freshDatabase, stopTestServer, testServer } from "./_postgres.ts";

const server = await testServer();
if (typeof server === "string") console.log(`pg_cli_test: ${server}`);
Deno.test.afterAll(stopTestServer);
const ignore = typeof server === "string";

const CONNECTS = new Set(["run", "resume", "rollback"]);
const TARGET = "rmq-72mo3a9o";
const ENV = {
  TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
  TENCENTCLOUD_REGION: "ap-guangzhou",
};
const WORKFLOW = `
tcflow: 1
name: pg-demo
region: ap-guangzhou
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: pg-topic, TopicType: NORMAL, QueueNum: 3 }
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
outputs:
  count: \${{ steps.list.outputs.TotalCount }}
`;

async function fixture() {
  if (typeof server === "string") throw new Error(server);
  const db = await freshDatabase(server);
  const dir = await Deno.makeTempDir({ prefix: "tcflow-pgcli-" });
  await Deno.writeTextFile(`${dir}/w.yaml`, WORKFLOW);
  const emulator = createEmulator();
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(
      [...args, ...(CONNECTS.has(args[0]!) ? ["--endpoint-url", "http://emulator.test"] : [])],
      {
        env: { ...ENV, ...env },
        deps: { fetch: emulator.handle },
        cwd: dir,
      },
    );
  const calls = (action: string) => emulator.calls().filter((c) => c.action === action).length;
  return { db, dir, emulator, cli, calls };
}

Deno.test({
  name: "pg cli: run, runs --json, report on --store; TCFLOW_STORE works the same",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      const ran = await fx.cli(["run", "w.yaml", "--store", fx.db.url, "--json"]);
      assert.equal(ran.code, 0, ran.stderr);
      const doc = JSON.parse(ran.stdout);
      assert.equal(doc.status, "succeeded");
      assert.match(ran.stderr, /journal: postgres:\/\/tcflow@127\.0\.0\.1:\d+\/tcflow_t_\w+ run /);
      assert.ok(!ran.stderr.includes(new URL(fx.db.url).password));
      await assert.rejects(Deno.stat(`${fx.dir}/.tcflow`), Deno.errors.NotFound);

      const listed = await fx.cli(["runs", "--json"], { TCFLOW_STORE: fx.db.url });
      assert.equal(listed.code, 0, listed.stderr);
      const [run, ...others] = JSON.parse(listed.stdout).runs;
      assert.equal(others.length, 0);
      assert.equal(run.run_id, doc.run_id);
      assert.equal(run.workflow, "pg-demo");
      assert.equal(run.status, "succeeded");
      assert.match(run.started_at, /^\d{4}-\d\d-\d\dT/);
      assert.match(run.owner, /^pid \d+$/);
      assert.deepEqual(run.steps, { succeeded: 2 });

      const report = await fx.cli(["report", doc.run_id, "--store", fx.db.url]);
      assert.equal(report.code, 0, report.stderr);
      assert.match(report.stdout, /pg-demo/);
      assert.match(report.stdout, /CreateTopic/);
      const missing = await fx.cli(["report", "nope", "--store", fx.db.url]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no run nope/);
    } finally {
      await fx.db.drop();
    }
  },
});

Deno.test({
  name: "pg cli: resume of a run that died after its create: the create is not sent again",
  ignore,
  fn: async () => {
    const fx = await fixture();
    try {
      const store = await PgJournalStore.connect(fx.db.url);
      const wf = loadWorkflowText(WORKFLOW, `${fx.dir}/w.yaml`).workflow!;
      const deps = { ...systemDeps(), fetch: fx.emulator.handle };
      await store.create(
        await runMeta({
          runId: "r1",
          workflow: wf,
          inputs: {},
          startedMs: deps.now(),
          region: "ap-guangzhou",
        }),
      );
      const journal = journalSink(store, "r1");
      let dead = false;
      const dying: RunSink = {
        async append(event) {
          if (dead) throw new Error("killed");
          await journal.append(event);
          if (event.type === "step-succeeded" && event.stepId === "create") dead = true;
        },
      };
      await assert.rejects(
        runWorkflow(wf, {
          inputs: {},
          deps,
          client: createTencentClient({ deps, credential: DEMO_CREDENTIAL }),
          rateLimiter: createRateLimiter({ deps }),
          sink: dying,
          runId: "r1",
          region: "ap-guangzhou",
        }),
      );
      await store.end();
      const listed = JSON.parse((await fx.cli(["runs", "--json", "--store", fx.db.url])).stdout);
      assert.equal(listed.runs[0].status, "interrupted");
      const resumed = await fx.cli(["resume", "r1", "--store", fx.db.url, "--json"]);
      assert.equal(resumed.code, 0, resumed.stderr);
      const doc = JSON.parse(resumed.stdout);
      assert.equal(doc.status, "succeeded");
      assert.equal(fx.calls("CreateTopic"), 1, "the finished create was not sent again");
      assert.equal(fx.calls("DescribeTopicList"), 1);
    } finally {
      await fx.db.drop();
    }
  },
});

Deno.test({
  name:
    "pg cli: a wrong password or an unreachable store exits 3 naming the host, not the password",
  ignore,
  fn: async () => {
    if (typeof server === "string") return;
    const url = new URL(server.adminUrl);
    url.password = "N0t-the-Passw0rd";
    const wrong = await runCliProcess(["runs", "--store", url.href]);
    assert.equal(wrong.code, 3, wrong.stderr);
    assert.match(wrong.stderr, /password authentication failed/);
    assert.ok(wrong.stderr.includes(url.host), wrong.stderr);
    assert.ok(!(wrong.stdout + wrong.stderr).includes("N0t-the-Passw0rd"));
    assert.equal(hasStackTrace(wrong.stderr), false);

    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    url.port = String(port);
    const away = await runCliProcess(["runs"], { env: { TCFLOW_STORE: url.href } });
    assert.equal(away.code, 3, away.stderr);
    assert.ok(away.stderr.includes(`127.0.0.1:${port}`), away.stderr);
    assert.ok(!(away.stdout + away.stderr).includes("N0t-the-Passw0rd"));
    assert.equal(hasStackTrace(away.stderr), false);

    const bad = await runCliProcess(["runs", "--store", "mysql://x@y/z"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--store: expected a postgres:\/\//);
  },
});
