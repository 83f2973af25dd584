/**
 * `tcflow run` end to end: in-process CLI (real command code) against the real emulator,
 * exit codes, `--json`, progress, credentials, inputs, dry run and secrets.
 */
import assert from "node:assert/strict";
import { createEmulator, DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { parseJson } from "../lib/json.ts";
import { hasStackTrace, ROOT, runCli, runCliProcess } from "./_cli.ts";

const TARGET = "rmq-72mo3a9o";
const EXISTING = "rmq-2x9f8k1p";

const dir = await Deno.makeTempDir({ prefix: "tcflow-engine-cli-" });
const STATE = ["--state-dir", `${dir}/state`];
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
async function file(name: string, text: string): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, text);
  return path;
}

const LIST_WORKFLOW = await file(
  "list.yaml",
  `tcflow: 1
name: list-topics
region: ap-guangzhou
inputs:
  instanceId: { type: string, default: ${EXISTING} }
steps:
  - id: topics
    action: trocket.DescribeTopicList
    with: { InstanceId: "\${{ inputs.instanceId }}" }
    paginate: true
outputs:
  count: \${{ steps.topics.outputs.TotalCount }}
`,
);

const SECRET = "s3cr3t-token-value-42";
const SECRET_WORKFLOW = await file(
  "secret.yaml",
  `tcflow: 1
name: secrets
region: ap-guangzhou
inputs:
  apiKey: { type: string, secret: true }
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: secret-holder, TopicType: NORMAL, QueueNum: 3, Remark: "key=\${{ inputs.apiKey }}" }
  - id: read
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
  - id: bad
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: "\${{ inputs.apiKey + '!' }}", TopicType: NORMAL, QueueNum: 3 }
    on_error: continue
outputs:
  remark: \${{ steps.read.outputs.Data[0].Remark }}
  key: \${{ inputs.apiKey }}
`,
);

Deno.test("run --emulator --json prints the run document; progress goes to stderr", async () => {
  const { code, stdout, stderr } = await runCli([
    "run",
    LIST_WORKFLOW,
    "--emulator",
    "--json",
    ...STATE,
  ]);
  assert.equal(code, 0, stderr);
  const doc = parseJson(stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc).sort(), ["outputs", "run_id", "status", "steps"]);
  assert.equal(doc.status, "succeeded");
  assert.match(String(doc.run_id), /^\d{8}T\d{6}Z-[0-9a-z]{6}$/);
  const [step] = doc.steps as Array<Record<string, unknown>>;
  assert.deepEqual(Object.keys(step!).sort(), ["attempts", "id", "outputs", "status"]);
  assert.equal(step?.status, "succeeded");
  assert.equal(step?.attempts, 1n);
  assert.ok(typeof (doc.outputs as { count: unknown }).count === "bigint");
  assert.match(stderr, /✓ topics\s+trocket\.DescribeTopicList\s+1 page · 1 request\s+\d+ms/);
  assert.match(stderr, /topics: page 1, \d+\/\d+ items/);
  assert.match(stderr, /run \S+ succeeded in/);
  assert.ok(!hasStackTrace(stderr));
  // The run is journaled under the state dir.
  const events = await Deno.readTextFile(`${dir}/state/runs/${doc.run_id}/events.jsonl`);
  const types = events.trim().split("\n").map((line) =>
    (JSON.parse(line) as { e: { type: string } }).e.type // each record: {n, crc32, e: event}
  );
  assert.deepEqual(types, [
    "run-started",
    "step-started",
    "page-fetched",
    "step-succeeded",
    "run-finished",
  ]);
});

Deno.test("a failed run exits 1 and says why; --quiet keeps only the summary", async () => {
  const { code, stdout, stderr } = await runCli([
    "run",
    LIST_WORKFLOW,
    "--emulator",
    "--input",
    "instanceId=rmq-nope",
    "--quiet",
    ...STATE,
  ]);
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(stderr, /FAILED/);
  assert.doesNotMatch(stderr, /✗/);
  const loud = await runCli([
    "run",
    LIST_WORKFLOW,
    "--emulator",
    "--input",
    "instanceId=rmq-nope",
    ...STATE,
  ]);
  assert.equal(loud.code, 1);
  assert.match(
    loud.stderr,
    /✗ topics {2}trocket\.DescribeTopicList {2}failed after 1 attempt {2}\d+ms/,
  );
  assert.match(loud.stderr, /ResourceNotFound/);
});

Deno.test("an invalid workflow exits 2 with diagnostics, nothing sent", async () => {
  const bad = await file(
    "bad.yaml",
    `tcflow: 1
name: bad
steps:
  - id: topics
    action: trocket.DescribeTopicLst
    with: { InstanceId: x }
`,
  );
  const { code, stderr } = await runCli(["run", bad, "--emulator"]);
  assert.equal(code, 2);
  assert.match(stderr, /bad\.yaml:5:\d+: error E_UNKNOWN_ACTION/);
  assert.match(stderr, /DescribeTopicList/);
  assert.ok(!hasStackTrace(stderr));
});

Deno.test("bad inputs and flags exit 2 naming the flag", async () => {
  const unknown = await runCli(["run", LIST_WORKFLOW, "--emulator", "--input", "instanceID=x"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--input instanceID: .*did you mean `instanceId`/);
  const flag = await runCli(["run", LIST_WORKFLOW, "--emulater"]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--emulator/);
  const scale = await runCli(["run", LIST_WORKFLOW, "--emulator", "--rate-scale", "fast"]);
  assert.equal(scale.code, 2);
  assert.match(scale.stderr, /--rate-scale/);
  const missing = await runCli(["run"]);
  assert.equal(missing.code, 2);
});

Deno.test("missing credentials exit 3 and name every source", async () => {
  const { code, stderr } = await runCli(["run", LIST_WORKFLOW], { env: { HOME: dir } });
  assert.equal(code, 3);
  for (
    const part of [
      "TENCENTCLOUD_SECRET_ID",
      "TENCENTCLOUD_SECRET_KEY",
      ".tccli/default.credential",
      "--profile",
      "TCCLI_PROFILE",
      "--emulator",
    ]
  ) {
    assert.ok(stderr.includes(part), `${part} in ${stderr}`);
  }
  assert.ok(!hasStackTrace(stderr));
});

Deno.test("missing credentials through the real cli.ts: exit 3, no stack trace", async () => {
  const { code, stderr } = await runCliProcess(["run", LIST_WORKFLOW], {
    env: { HOME: dir, TENCENTCLOUD_SECRET_ID: "", TENCENTCLOUD_SECRET_KEY: "", TCCLI_PROFILE: "" },
  });
  assert.equal(code, 3, stderr);
  assert.match(stderr, /no Tencent Cloud credentials/);
  // Only sources that exist: the command line has no credential flags (issue 16 item 10).
  assert.doesNotMatch(stderr, /flags/);
  assert.match(stderr, /1\. the environment: TENCENTCLOUD_SECRET_ID/);
  assert.match(stderr, /2\. the TCCLI profile/);
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  assert.doesNotMatch(readme, /Credentials are read in this order: flags/);
  assert.ok(!hasStackTrace(stderr));
});

Deno.test("environment credentials and --endpoint-url reach the emulator", async () => {
  const credential = {
    secretId: "AKIDENGINETEST000000000000000000000",
    secretKey: "engine-secret-key-xyz",
  };
  const emulator = createEmulator({ credentials: [credential] });
  const { code, stderr } = await runCli(
    ["run", LIST_WORKFLOW, "--endpoint-url", "http://127.0.0.1:4566", ...STATE],
    {
      env: {
        TENCENTCLOUD_SECRET_ID: credential.secretId,
        TENCENTCLOUD_SECRET_KEY: credential.secretKey,
      },
      deps: { fetch: (r) => emulator.handle(r) },
    },
  );
  assert.equal(code, 0, stderr);
  const calls = emulator.calls();
  assert.equal(calls[0]?.secretId, credential.secretId);
  assert.equal(calls[0]?.service, "trocket"); // from the credential scope: the host is an IP
  assert.ok(!stderr.includes(credential.secretKey));
});

Deno.test("--dry-run prints the plan and sends nothing", async () => {
  const emulator = createEmulator();
  const { code, stdout } = await runCli(
    ["run", SECRET_WORKFLOW, "--dry-run", "--json", "--input", `apiKey=${SECRET}`],
    { deps: { fetch: (r) => emulator.handle(r) } },
  );
  assert.equal(code, 0);
  const plan = parseJson(stdout) as {
    status: string;
    steps: Array<{ id: string; mutating: boolean }>;
  };
  assert.equal(plan.status, "planned");
  assert.deepEqual(plan.steps.map((s) => [s.id, s.mutating]), [["create", true], ["read", false], [
    "bad",
    true,
  ]]);
  assert.equal(emulator.calls().length, 0);
  assert.ok(!stdout.includes(SECRET));
});

Deno.test("secrets never reach stdout or stderr", async () => {
  for (const extra of [["--json"], []]) {
    // Each run creates the same topic: a fresh emulator (--emulator keeps its state).
    await runCli(["emulator", "--reset-state", ...STATE]);
    const { code, stdout, stderr } = await runCli([
      "run",
      SECRET_WORKFLOW,
      "--emulator",
      "--input",
      `apiKey=${SECRET}`,
      ...extra,
      ...STATE,
    ]);
    assert.equal(code, 0, stderr);
    const all = stdout + stderr;
    assert.ok(!all.includes(SECRET), `secret leaked:\n${all}`);
    assert.ok(!all.includes(DEMO_CREDENTIAL.secretKey));
    assert.ok(all.includes("***"));
    const runId = /journal: .*\/runs\/(\S+)/.exec(stderr)?.[1];
    assert.ok(runId !== undefined, "the journal is announced");
    for (const name of ["meta.json", "events.jsonl"]) {
      const journal = await Deno.readTextFile(`${dir}/state/runs/${runId}/${name}`);
      assert.ok(!journal.includes(SECRET), `secret in the journal's ${name}`);
      assert.ok(!journal.includes(DEMO_CREDENTIAL.secretKey));
    }
    if (extra.length > 0) {
      const doc = parseJson(stdout) as {
        outputs: Record<string, unknown>;
        steps: Array<{ id: string; error?: { message: string } }>;
      };
      assert.equal(doc.outputs.remark, "key=***");
      assert.equal(doc.outputs.key, "***");
      assert.match(doc.steps[2]?.error?.message ?? "", /\*\*\*/);
    }
  }
});

Deno.test("an uncertain step exits 1 with what to check", async () => {
  const wf = await file(
    "uncertain.yaml",
    `tcflow: 1
name: uncertain
region: ap-guangzhou
steps:
  - id: create
    action: trocket.CreateTopic
    with: { InstanceId: ${TARGET}, Topic: cut-topic, TopicType: NORMAL, QueueNum: 3 }
`,
  );
  const emulator = createEmulator({ faults: "cut-after=1;times=1" });
  const { code, stdout, stderr } = await runCli(
    ["run", wf, "--endpoint-url", "http://127.0.0.1:1", "--json", ...STATE],
    {
      env: {
        TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
        TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
      },
      deps: { fetch: (r) => emulator.handle(r) },
    },
  );
  assert.equal(code, 1);
  const doc = parseJson(stdout) as { status: string; steps: Array<{ status: string }> };
  // Section 13: a run stopped only by an unknown outcome ends `uncertain` (exit 1), not `failed`.
  assert.equal(doc.status, "uncertain");
  assert.equal(doc.steps[0]?.status, "uncertain");
  assert.match(stderr, /\? create .*uncertain/);
  assert.match(stderr, /check with trocket\.DescribeTopicList before resuming/);
  assert.equal(emulator.calls().length, 1);
});

Deno.test("--inputs file, --regional-endpoints and --dry-run --live-reads", async () => {
  const inputs = await file("inputs.yaml", `instanceId: ${EXISTING}\n`);
  const emulator = createEmulator();
  const seen: string[] = [];
  const fetch = (r: Request) => {
    seen.push(new URL(r.url).host);
    return emulator.handle(r);
  };
  const run = await runCli(
    ["run", LIST_WORKFLOW, "--inputs", inputs, "--regional-endpoints", "--json", ...STATE],
    {
      env: {
        TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
        TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
      },
      deps: { fetch },
    },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(seen, ["trocket.ap-guangzhou.tencentcloudapi.com"]);
  assert.equal(emulator.calls()[0]?.region, "ap-guangzhou");

  const plan = await runCli(
    [
      "run",
      SECRET_WORKFLOW,
      "--dry-run",
      "--live-reads",
      "--emulator",
      "--json",
      "--input",
      `apiKey=${SECRET}`,
    ],
  );
  assert.equal(plan.code, 0, plan.stderr);
  const doc = parseJson(plan.stdout) as { steps: Array<{ id: string; live?: boolean }> };
  assert.deepEqual(doc.steps.map((s) => [s.id, s.live]), [["create", false], ["read", true], [
    "bad",
    false,
  ]]);
  assert.ok(!plan.stdout.includes(SECRET));
  const bad = await runCli(["run", LIST_WORKFLOW, "--live-reads", "--emulator"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--live-reads goes with --dry-run/);
});

Deno.test("Ctrl-C stops a run cleanly and says how to resume", async () => {
  const wf = await file(
    "slow.yaml",
    `tcflow: 1
name: slow
region: ap-guangzhou
steps:
  - id: wait
    action: trocket.DescribeTopicList
    with: { InstanceId: ${EXISTING} }
    until: \${{ steps.wait.outputs.TotalCount < 0 }}
    poll: { interval: 30s, timeout: 10m }
`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}cli.ts`, "run", wf, "--emulator", ...STATE],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let stderr = "";
  while (!stderr.includes("until is false")) {
    const { value, done } = await reader.read();
    if (done) break;
    stderr += value;
  }
  const startMs = Date.now();
  child.kill("SIGINT");
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    stderr += value;
  }
  const { code } = await child.output().catch(() => child.status.then((s) => ({ code: s.code })));
  assert.equal(code, 1, stderr);
  assert.ok(Date.now() - startMs < 10_000, "stopped without waiting for the poll");
  assert.match(
    stderr,
    /interrupted: run (\S+) stopped; `tcflow resume \1 --emulator --state-dir \S+` continues it/,
  );
  assert.ok(!hasStackTrace(stderr));
});

Deno.test("credentials from a TCCLI profile (--profile), region from its .configure", async () => {
  const home = `${dir}/home`;
  await Deno.mkdir(`${home}/.tccli`, { recursive: true });
  await Deno.writeTextFile(
    `${home}/.tccli/ops.credential`,
    JSON.stringify({ secretId: DEMO_CREDENTIAL.secretId, secretKey: DEMO_CREDENTIAL.secretKey }),
  );
  await Deno.writeTextFile(
    `${home}/.tccli/ops.configure`,
    JSON.stringify({ _sys_param: { region: "ap-guangzhou", output: "json" } }),
  );
  const regionless = await file(
    "regionless.yaml",
    `tcflow: 1
name: regionless
steps:
  - id: topics
    action: trocket.DescribeTopicList
    with: { InstanceId: ${EXISTING} }
`,
  );
  const emulator = createEmulator();
  const { code, stderr } = await runCli(
    ["run", regionless, "--profile", "ops", "--endpoint-url", "http://127.0.0.1:9", ...STATE],
    { env: { HOME: home }, deps: { fetch: (r) => emulator.handle(r) } },
  );
  assert.equal(code, 0, stderr);
  assert.equal(emulator.calls()[0]?.region, "ap-guangzhou");
  assert.ok(!stderr.includes(DEMO_CREDENTIAL.secretKey));
  const missing = await runCli(["run", regionless, "--profile", "nope", ...STATE], {
    env: { HOME: home },
  });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /\.tccli\/nope\.credential/);
});
