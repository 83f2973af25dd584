/**
 * Durable runs end to end: runs journaled to files by the real executor against the real
 * emulator, then `tcflow runs`, `report`, `resume` and `rollback` through the CLI in-process.
 * A crash is a sink that stops writing (and makes the executor throw) at a chosen event.
 */
import assert from "node:assert/strict";
import type { createEmulator } from "../lib/emulator/emulator.ts";
import { systemDeps } from "../lib/deps.ts";
import { FileJournalStore } from "../lib/journal/file_store.ts";
import { replay } from "../lib/journal/replay.ts";
import { reportCommand } from "../lib/cli/report.ts";
import type { CliContext } from "../lib/cli/context.ts";
import { hasStackTrace, ROOT, runCli } from "./_cli.ts";
import { CREDENTIAL, type Fixture, fixture, journaledRun } from "./_journal_fixture.ts";
import { topicsOf } from "./_engine.ts";

const TARGET = "rmq-72mo3a9o";
const ENV = {
  TENCENTCLOUD_SECRET_ID: CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: CREDENTIAL.secretKey,
  TENCENTCLOUD_REGION: "ap-guangzhou",
};

function cli(fx: Fixture, args: string[]) {
  const connect = args[0] === "resume" || args[0] === "rollback";
  const extra = connect ? ["--endpoint-url", "http://emulator.test"] : [];
  return runCli([...args, "--state-dir", `${fx.dir}/.tcflow`, ...extra], {
    env: ENV,
    deps: { fetch: fx.fetch },
    cwd: fx.dir,
  });
}

const calls = (fx: { emulator: ReturnType<typeof createEmulator> }, action: string) =>
  fx.emulator.calls().filter((c) => c.action === action);

const MIGRATION = `
tcflow: 1
name: resume-demo
region: ap-guangzhou
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: resumed-topic, TopicType: NORMAL, QueueNum: 3 }
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
  - id: summary
    set:
      count: \${{ steps.list.outputs.TotalCount }}
      created: \${{ steps.create.outputs.Topic }}
outputs:
  count: \${{ steps.summary.outputs.count }}
  created: \${{ steps.summary.outputs.created }}
`;

Deno.test("resume: finished steps are not sent again, a read in flight is re-sent", async () => {
  const fx = await fixture();
  const crashed = await journaledRun(fx, MIGRATION, {
    runId: "r-read",
    crash: { before: (e) => e.type === "step-succeeded" && e.stepId === "list" }, // list was sent, not recorded
  });
  assert.equal(crashed, "crashed");
  assert.equal(calls(fx, "CreateTopic").length, 1);
  assert.equal(calls(fx, "DescribeTopicList").length, 1);
  const listed = await cli(fx, ["runs", "--json"]);
  assert.equal(JSON.parse(listed.stdout).runs[0].status, "interrupted");

  const resumed = await cli(fx, ["resume", "r-read", "--json"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const doc = JSON.parse(resumed.stdout);
  assert.equal(doc.run_id, "r-read");
  assert.equal(doc.status, "succeeded");
  assert.deepEqual(doc.outputs, { count: 1, created: "resumed-topic" });
  assert.deepEqual(doc.steps.map((s: { id: string; attempts: number }) => [s.id, s.attempts]), [
    ["create", 0],
    ["list", 1],
    ["summary", 0],
  ]);
  assert.equal(calls(fx, "CreateTopic").length, 1, "the finished create was not sent again");
  assert.equal(calls(fx, "DescribeTopicList").length, 2);
  assert.deepEqual(topicsOf(fx.emulator, TARGET), ["resumed-topic"]);

  const state = replay((await fx.store.read("r-read")).events);
  assert.equal(state.sessions, 2);
  assert.equal(state.status, "succeeded");
  assert.deepEqual(state.steps.map((s) => s.status), ["succeeded", "succeeded", "succeeded"]);
  const again = await cli(fx, ["resume", "r-read"]);
  assert.equal(again.code, 0);
  assert.match(again.stderr, /already succeeded/);
});

Deno.test("resume: a create without ClientToken in flight is uncertain and not sent twice", async () => {
  const fx = await fixture();
  await journaledRun(fx, MIGRATION, {
    runId: "r-create",
    crash: { before: (e) => e.type === "step-succeeded" && e.stepId === "create" }, // applied, not recorded
  });
  assert.deepEqual(topicsOf(fx.emulator, TARGET), ["resumed-topic"]);
  const resumed = await cli(fx, ["resume", "r-create", "--json"]);
  assert.equal(resumed.code, 1);
  assert.equal(hasStackTrace(resumed.stderr), false);
  const doc = JSON.parse(resumed.stdout);
  assert.equal(doc.status, "failed");
  assert.equal(doc.steps[0].id, "create");
  assert.equal(doc.steps[0].status, "uncertain");
  assert.equal(doc.steps[0].error.code, "E_INTERRUPTED");
  assert.match(doc.steps[0].error.message, /takes no ClientToken/);
  assert.match(resumed.stderr, /--retry-uncertain/);
  assert.equal(calls(fx, "CreateTopic").length, 1, "not sent again");
  assert.equal(calls(fx, "DescribeTopicList").length, 0);
  const listed = JSON.parse((await cli(fx, ["runs", "--json"])).stdout);
  assert.equal(listed.runs[0].status, "failed");
  assert.equal(listed.runs[0].steps.uncertain, 1);
  // Resuming again without the flag still refuses.
  assert.equal((await cli(fx, ["resume", "r-create"])).code, 1);
  assert.equal(calls(fx, "CreateTopic").length, 1);
});

Deno.test("resume --retry-uncertain sends an uncertain step again", async () => {
  const fx = await fixture();
  await journaledRun(fx, MIGRATION, {
    runId: "r-retry",
    crash: { after: (e) => e.type === "step-started" && e.stepId === "create" }, // killed before sending
  });
  assert.equal(calls(fx, "CreateTopic").length, 0);
  assert.equal((await cli(fx, ["resume", "r-retry", "--quiet"])).code, 1);
  const resumed = await cli(fx, ["resume", "r-retry", "--retry-uncertain", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(calls(fx, "CreateTopic").length, 1);
  assert.equal(replay((await fx.store.read("r-retry")).events).status, "succeeded");
});

Deno.test("resume: an action with ClientToken in flight is re-sent with the same token, applied once", async () => {
  // The emulator honours ClientToken: the same token again answers the first call's answer.
  const fx = await fixture();
  const text = `
tcflow: 1
name: eip
region: ap-guangzhou
steps:
  - id: eip
    action: vpc.AllocateAddresses
    with: { AddressCount: 1 }
outputs:
  task: \${{ steps.eip.outputs.TaskId }}
`;
  await journaledRun(fx, text, {
    runId: "r-eip",
    crash: { before: (e) => e.type === "step-succeeded" }, // allocated, not recorded
  });
  const tokens = () =>
    Object.entries(
      (fx.emulator.state().vpc as { tokens: Record<string, { TaskId: string }> }).tokens,
    );
  assert.equal(tokens().length, 1);
  const resumed = await cli(fx, ["resume", "r-eip", "--json"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(tokens().length, 1, "allocated once");
  assert.deepEqual(JSON.parse(resumed.stdout).outputs, { task: tokens()[0]![1].TaskId });
  const sent = calls(fx, "AllocateAddresses").map((c) =>
    (c.params as { ClientToken?: string }).ClientToken
  );
  assert.equal(sent.length, 2);
  assert.ok(sent[0] !== undefined && sent[0] === sent[1]);
});

Deno.test("rollback: undo blocks of succeeded steps, newest first, once", async () => {
  const fx = await fixture();
  const text = `
tcflow: 1
name: compensate
region: ap-guangzhou
steps:
  - id: one
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: one-topic, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: "\${{ steps.one.outputs.Topic }}" }
  - id: two
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: two-topic, TopicType: NORMAL, QueueNum: 3 }
    undo:
      action: trocket.DeleteTopic
      with: { InstanceId: ${TARGET}, Topic: two-topic }
  - id: check
    assert: \${{ false }}
    message: stop here
`;
  const result = await journaledRun(fx, text, { runId: "r-undo" });
  assert.equal(result !== "crashed" && result.status, "failed");
  assert.deepEqual(topicsOf(fx.emulator, TARGET).sort(), ["one-topic", "two-topic"]);

  const rolled = await cli(fx, ["rollback", "r-undo", "--json"]);
  assert.equal(rolled.code, 0, rolled.stderr);
  assert.deepEqual(JSON.parse(rolled.stdout), {
    run_id: "r-undo",
    status: "rolled_back",
    steps: [{ id: "two", status: "succeeded" }, { id: "one", status: "succeeded" }],
  });
  assert.deepEqual(calls(fx, "DeleteTopic").map((c) => (c.params as { Topic: string }).Topic), [
    "two-topic",
    "one-topic",
  ]);
  assert.deepEqual(topicsOf(fx.emulator, TARGET), []);
  const again = await cli(fx, ["rollback", "r-undo"]);
  assert.equal(again.code, 0);
  assert.match(again.stderr, /nothing to undo/);
  assert.equal(calls(fx, "DeleteTopic").length, 2);
  const state = replay((await fx.store.read("r-undo")).events);
  assert.deepEqual(state.steps.map((s) => s.undo.map((u) => u.status)), [["succeeded"], [
    "succeeded",
  ], []]);
});

Deno.test("secret inputs never reach the journal; resume asks for them again", async () => {
  const fx = await fixture();
  const secret = "tk-S3cret-Value-991";
  const text = `
tcflow: 1
name: secretive
region: ap-guangzhou
inputs:
  token: { type: string, secret: true }
  name: { type: string }
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: "\${{ inputs.name }}", TopicType: NORMAL, QueueNum: 3, Remark: "token \${{ inputs.token }}" }
  - id: check
    assert: \${{ false }}
`;
  await journaledRun(fx, text, {
    runId: "r-secret",
    inputs: [`token=${secret}`, "name=sec-topic"],
    crash: { after: (e) => e.type === "step-started" && e.stepId === "create" },
  });
  const missing = await cli(fx, ["resume", "r-secret"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--input token=VALUE/);
  const nonSecret = await cli(fx, ["resume", "r-secret", "--input", "name=other"]);
  assert.equal(nonSecret.code, 2);
  assert.match(nonSecret.stderr, /only secret inputs are given again/);
  // The secret input given again is not refused as if it were a recorded one.
  const unknown = await cli(fx, [
    "resume",
    "r-secret",
    "--input",
    `token=${secret}`,
    "--input",
    "nosuch=1",
  ]);
  assert.doesNotMatch(unknown.stderr, /only secret inputs are given again/);

  const resumed = await cli(fx, [
    "resume",
    "r-secret",
    "--retry-uncertain",
    "--input",
    `token=${secret}`,
    "--json",
  ]);
  assert.equal(resumed.code, 1, resumed.stderr); // the assert fails, as it should
  const create = calls(fx, "CreateTopic")[0];
  assert.equal(
    (create?.params as { Remark: string }).Remark,
    `token ${secret}`,
    "the secret was used",
  );
  assert.equal(
    (create?.params as { Topic: string }).Topic,
    "sec-topic",
    "recorded inputs were reused",
  );
  assert.equal(resumed.stdout.includes(secret) || resumed.stderr.includes(secret), false);

  const report = await reportText(fx, ["r-secret", "--html"]);
  assert.equal(report.includes(secret), false);
  assert.match(report, /token \*\*\*/);
  for await (const entry of Deno.readDir(fx.store.runDir("r-secret"))) {
    const bytes = await Deno.readTextFile(`${fx.store.runDir("r-secret")}/${entry.name}`);
    assert.equal(bytes.includes(secret), false, entry.name);
    assert.equal(bytes.includes(CREDENTIAL.secretKey), false, entry.name);
  }
});

async function reportText(fx: Fixture, args: string[]): Promise<string> {
  let stdout = "";
  let stderr = "";
  const ctx: CliContext = {
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTerminal: false },
    deps: systemDeps(),
    env: () => undefined,
    cwd: fx.dir,
  };
  const code = await reportCommand([...args, "--state-dir", `${fx.dir}/.tcflow`], ctx);
  assert.equal(code, 0, stderr);
  return stdout;
}

Deno.test("runs lists the state dir; report renders a run; unknown ids are usage errors", async () => {
  const fx = await fixture();
  await journaledRun(fx, MIGRATION, { runId: "20261123T100000Z-aaaaaa" });
  await journaledRun(fx, MIGRATION, {
    runId: "20261123T100500Z-bbbbbb",
    crash: { after: (e) => e.type === "step-started" && e.stepId === "create" },
  });
  const table = await cli(fx, ["runs"]);
  assert.equal(table.code, 0);
  const lines = table.stdout.trimEnd().split("\n");
  assert.match(lines[0]!, /^RUN ID\s+WORKFLOW\s+STATUS\s+STARTED \(UTC\)\s+DURATION\s+STEPS$/);
  assert.match(
    lines[1]!,
    /^20261123T100000Z-aaaaaa\s+resume-demo\s+succeeded\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\S+( \S+)?\s+3 succeeded$/,
  );
  assert.match(lines[2]!, /^20261123T100500Z-bbbbbb\s+resume-demo\s+interrupted\s/);
  const json = JSON.parse((await cli(fx, ["runs", "--json"])).stdout);
  assert.deepEqual(json.runs.map((r: { run_id: string; status: string }) => [r.run_id, r.status]), [
    ["20261123T100000Z-aaaaaa", "succeeded"],
    ["20261123T100500Z-bbbbbb", "interrupted"],
  ]);
  assert.equal(json.runs[0].file, `${fx.dir}/workflow.yaml`);
  assert.match(json.runs[0].started, /^\d{4}-\d\d-\d\dT/);

  const md = await reportText(fx, ["20261123T100000Z-aaaaaa"]);
  assert.match(md, /^# Run `20261123T100000Z-aaaaaa`: resume-demo/);
  assert.match(md, /"Topic": "resumed-topic"/);
  assert.match(md, /## Timeline/);
  const out = `${fx.dir}/report.html`;
  await reportText(fx, ["20261123T100500Z-bbbbbb", "--html", "--out", out]);
  const html = await Deno.readTextFile(out);
  assert.match(html, /<span class="badge interrupted">interrupted<\/span>/);

  const unknown = await cli(fx, ["resume", "20261123T100000Z-aaaaab"]);
  assert.equal(unknown.code, 2);
  assert.match(
    unknown.stderr,
    /no run 20261123T100000Z-aaaaab .*did you mean 20261123T100000Z-aaaaaa\?/,
  );
  // Only a typo (at most 2 edits) or a unique prefix is suggested: run ids share their time
  // stamps, so an id 6 letters off is another run, not a typo.
  const unrelated = await cli(fx, ["resume", "20261123T100500Z-zzzzzz"]);
  assert.equal(unrelated.code, 2);
  assert.doesNotMatch(unrelated.stderr, /did you mean/);
  assert.match(unrelated.stderr, /"tcflow runs" lists them/);
  const prefix = await cli(fx, ["report", "20261123T1005"]);
  assert.equal(prefix.code, 2);
  assert.match(prefix.stderr, /did you mean 20261123T100500Z-bbbbbb\?/);
  const ambiguous = await cli(fx, ["report", "20261123T10"]);
  assert.doesNotMatch(ambiguous.stderr, /did you mean/);
  const empty = await runCli(["runs", "--state-dir", `${fx.dir}/nothing`]);
  assert.equal(empty.code, 0);
  assert.match(empty.stderr, /no runs in/);
});

Deno.test("a killed `tcflow run` loses nothing that finished; resume completes it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-kill-" });
  const file = `${dir}/wait.yaml`;
  await Deno.writeTextFile(
    file,
    `
tcflow: 1
name: killed
region: ap-guangzhou
env: [TCFLOW_TEST_GO]
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: before-kill, TopicType: NORMAL, QueueNum: 3 }
  - id: wait
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
    until: \${{ env.TCFLOW_TEST_GO == "yes" }}
    poll: { interval: 1s, timeout: 10m }
outputs:
  created: \${{ steps.create.outputs.Topic }}
`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      // The permissions of the `tcflow` task, no more.
      "--allow-read",
      "--allow-write",
      "--allow-net",
      "--allow-env",
      "--allow-sys=hostname,osRelease",
      `${ROOT}cli.ts`,
      "run",
      file,
      "--emulator",
      "--state-dir",
      `${dir}/state`,
    ],
    cwd: dir,
    env: { NO_COLOR: "1", TCFLOW_TEST_GO: "not yet" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!/until is false/.test(seen)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  assert.match(seen, /until is false/, seen);
  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stderr.cancel().catch(() => {});

  const store = new FileJournalStore(`${dir}/state`);
  const [summary] = await store.list();
  assert.equal(summary?.status, "interrupted");
  const runId = summary!.runId;
  const state = replay((await store.read(runId)).events);
  assert.equal(state.steps[0]?.status, "succeeded");
  assert.deepEqual(state.inFlight, ["wait"]);

  const resumed = await runCli(
    ["resume", runId, "--emulator", "--state-dir", `${dir}/state`, "--json"],
    { env: { TCFLOW_TEST_GO: "yes" }, cwd: dir },
  );
  assert.equal(resumed.code, 0, resumed.stderr);
  const doc = JSON.parse(resumed.stdout);
  assert.deepEqual(doc.outputs, { created: "before-kill" });
  assert.equal(doc.steps[0].attempts, 0, "create was not sent again");
  assert.equal(doc.steps[1].status, "succeeded");
  assert.equal((await store.list())[0]?.status, "succeeded");
});

Deno.test("resume refuses a run that another writer holds (exit 1)", async () => {
  const fx = await fixture();
  await journaledRun(fx, MIGRATION, {
    runId: "r-busy",
    crash: { after: (e) => e.type === "step-started" && e.stepId === "create" },
  });
  const holder = new FileJournalStore(`${fx.dir}/.tcflow`);
  await holder.open("r-busy"); // e.g. a resume in another terminal
  try {
    const listed = JSON.parse((await cli(fx, ["runs", "--json"])).stdout);
    assert.equal(listed.runs[0].status, "running");
    const busy = await cli(fx, ["resume", "r-busy", "--retry-uncertain"]);
    assert.equal(busy.code, 1, busy.stderr);
    assert.match(busy.stderr, /being written by another process/);
    assert.equal(hasStackTrace(busy.stderr), false);
    assert.equal(calls(fx, "CreateTopic").length, 0);
  } finally {
    await holder.close("r-busy");
  }
  const resumed = await cli(fx, ["resume", "r-busy", "--retry-uncertain", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(calls(fx, "CreateTopic").length, 1);
});

Deno.test("resume keeps the run's recorded region and refuses another --region", async () => {
  const fx = await fixture();
  await journaledRun(fx, MIGRATION, {
    runId: "r-region",
    crash: { after: (e) => e.type === "step-started" && e.stepId === "create" },
  });
  assert.equal((await fx.store.read("r-region")).meta.region, "ap-guangzhou");
  const elsewhere = await cli(fx, [
    "resume",
    "r-region",
    "--retry-uncertain",
    "--region",
    "ap-shanghai",
  ]);
  assert.equal(elsewhere.code, 2);
  assert.match(elsewhere.stderr, /started in region ap-guangzhou; --region ap-shanghai/);
  assert.equal(calls(fx, "CreateTopic").length, 0);
});

Deno.test("resume: a recorded workflow with warnings (an untyped step) resumes; only errors refuse it", async () => {
  const fx = await fixture();
  const text = `
tcflow: 1
name: warned
region: ap-guangzhou
steps:
  - id: list
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
  - id: later
    when: \${{ false }}
    action: newsvc.DoThing
    version: "2024-01-01"
    untyped: true
`;
  await journaledRun(fx, text, {
    runId: "r-warned",
    crash: { after: (e) => e.type === "step-succeeded" && e.stepId === "list" },
  });
  const resumed = await cli(fx, ["resume", "r-warned", "--json", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout).status, "succeeded");
});
