/**
 * The invalid-workflow corpus: every file of `test/invalid/` starts with `# expect: CODE
 * line:col` lines, one per diagnostic that validation must report (exactly those, in file
 * order). A few files also run through the real CLI in a subprocess.
 */
import assert from "node:assert/strict";
import { loadWorkflowText } from "../lib/workflow/load.ts";
import { aliasBomb, oversizedWorkflow } from "../tools/bench/validate.ts";

const DIR = new URL("./invalid/", import.meta.url);
const ROOT = new URL("../", import.meta.url);
const EXPECT = /^# expect: ([A-Z_]+) (\d+):(\d+)\s*$/;

function corpus(): Array<{ name: string; source: string; expected: string[] }> {
  const files = [...Deno.readDirSync(DIR)]
    .filter((entry) => entry.isFile && entry.name.endsWith(".yaml"))
    .map((entry) => entry.name)
    .sort();
  return files.map((name) => {
    const source = Deno.readTextFileSync(new URL(name, DIR));
    const expected: string[] = [];
    for (const line of source.split("\n")) {
      const match = EXPECT.exec(line);
      if (!match) break;
      expected.push(`${match[1]} ${match[2]}:${match[3]}`);
    }
    return { name, source, expected };
  });
}

Deno.test("the corpus holds at least 60 invalid workflows, each with expectations", () => {
  const files = corpus();
  assert.ok(files.length >= 60, `only ${files.length} files`);
  for (const file of files) assert.ok(file.expected.length > 0, `${file.name} has no # expect:`);
});

Deno.test("every corpus file reports exactly the expected codes at the expected positions", () => {
  const failures: string[] = [];
  for (const { name, source, expected } of corpus()) {
    const result = loadWorkflowText(source, name);
    const actual = result.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`);
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      failures.push(`${name}: expected ${expected.join(", ")}; got ${actual.join(", ")}`);
    }
    const hasError = result.diagnostics.some((d) => d.severity === "error");
    if (hasError && result.workflow !== undefined) failures.push(`${name}: workflow returned`);
    for (const d of result.diagnostics) {
      if (d.file !== name || d.message === "" || d.line < 1 || d.column < 1) {
        failures.push(`${name}: malformed diagnostic ${JSON.stringify(d)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

// How quickly these are refused is a figure of `deno task bench validate`, not a timed test.
Deno.test("a file over 2 MB is an E_YAML at 1:1", () => {
  const result = loadWorkflowText(oversizedWorkflow(), "huge.yaml");
  assert.deepEqual(result.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`), [
    "E_YAML 1:1",
  ]);
  assert.match(result.diagnostics[0]!.message, /too large/);
});

Deno.test("a billion-laughs alias bomb under a real key is refused", () => {
  const result = loadWorkflowText(aliasBomb(), "bomb.yaml");
  const codes = result.diagnostics.map((d) => d.code);
  assert.ok(codes.includes("E_YAML"), codes.join());
});

async function cli(...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", "cli.ts", "validate", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

function assertNoStackTrace(text: string): void {
  assert.ok(!text.includes("at file://"), text);
  assert.ok(!/\bError:/.test(text), text);
}

Deno.test("CLI: invalid workflows exit 2 with caret snippets and no stack trace", async () => {
  const files = [
    "yaml_unclosed_flow.yaml",
    "yaml_alias_bomb.yaml",
    "ref_missing_response_field.yaml",
    "many_problems_at_once.yaml",
  ].map((name) => `test/invalid/${name}`);
  const result = await cli(...files);
  assert.equal(result.code, 2);
  assertNoStackTrace(result.stdout + result.stderr);
  assert.match(
    result.stdout,
    /test\/invalid\/ref_missing_response_field\.yaml:10:57: error E_REF: `UsagePlanInfo` has no field `UsagePlanID`, did you mean `UsagePlanId`\?\n 10 \| .*\n {4}\| {57}\^{11}\n/,
  );
  assert.match(result.stdout, /\d+ errors, 0 warnings in 4 files\n$/);
});

Deno.test("CLI: --json prints the diagnostics document; warnings alone exit 0", async () => {
  const result = await cli("--json", "test/invalid/param_unknown.yaml");
  assert.equal(result.code, 2);
  assertNoStackTrace(result.stderr);
  const doc = JSON.parse(result.stdout);
  assert.deepEqual(doc, {
    valid: false,
    diagnostics: [{
      code: "E_UNKNOWN_PARAM",
      message: "unknown parameter `Limt` of trocket.DescribeTopicList; did you mean `Limit`?",
      file: "test/invalid/param_unknown.yaml",
      line: 7,
      column: 28,
      severity: "error",
    }],
  });

  const dir = await Deno.makeTempDir();
  try {
    const untyped = `${dir}/untyped.yaml`;
    await Deno.writeTextFile(
      untyped,
      'tcflow: 1\nname: u\nsteps:\n  - id: a\n    action: newsvc.DoThing\n    version: "2024-01-01"\n    untyped: true\n',
    );
    const warned = await cli("--json", untyped);
    assert.equal(warned.code, 0);
    const warnedDoc = JSON.parse(warned.stdout);
    assert.equal(warnedDoc.valid, true);
    assert.deepEqual(warnedDoc.diagnostics.map((d: { code: string }) => d.code), ["W_UNTYPED"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CLI: a valid trocket + apigateway workflow passes; bad usage exits 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/migration.yaml`;
    await Deno.writeTextFile(file, VALID_MIGRATION);
    const ok = await cli(file);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout, `✓ ${file} is valid\n`);
    const directory = await cli(dir);
    assert.equal(directory.code, 0);
    assert.equal(directory.stdout, `✓ ${dir}/migration.yaml is valid\n`);
    const quiet = await cli("--quiet", file);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stdout, "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const missing = await cli("test/invalid/does-not-exist.yaml");
  assert.equal(missing.code, 2);
  assert.match(
    missing.stdout,
    /does-not-exist\.yaml:1:1: error E_FILE: the workflow file does not exist/,
  );
  assertNoStackTrace(missing.stdout + missing.stderr);
  const flag = await cli("--frobnicate", "x.yaml");
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /unknown flag --frobnicate/);
  assertNoStackTrace(flag.stderr);
  const none = await cli();
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no workflow file given/);
});

Deno.test("CLI: a file that is not UTF-8 is an E_FILE, with no raw bytes echoed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/latin1.yaml`;
    // "name: caf\xe9" in Latin-1: 0xE9 alone is not UTF-8.
    const bytes = new TextEncoder().encode("tcflow: 1\nname: cafX\nsteps: []\n");
    bytes[bytes.indexOf(0x58)] = 0xe9;
    await Deno.writeFile(file, bytes);
    for (const args of [[file], ["--json", file]]) {
      const result = await cli(...args);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assertNoStackTrace(result.stdout + result.stderr);
      assert.match(result.stdout, /E_FILE/);
      assert.match(result.stdout, /the workflow file is not UTF-8 text/);
      assert.ok(!/caf|\uFFFD/.test(result.stdout + result.stderr), result.stdout);
    }
    const { loadWorkflowFile } = await import("../lib/workflow/load.ts");
    const loaded = await loadWorkflowFile(file);
    assert.deepEqual(loaded.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`), [
      "E_FILE 1:1",
    ]);
    assert.equal(loaded.source, "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CLI: a misspelt validate flag gets a did-you-mean", async () => {
  const result = await cli("--jsonn", "test/invalid/param_unknown.yaml");
  assert.equal(result.code, 2);
  assert.match(result.stderr, /validate: unknown flag --jsonn; did you mean --json\?/);
  assertNoStackTrace(result.stderr);
  const quiet = await cli("--quite", "x.yaml");
  assert.match(quiet.stderr, /unknown flag --quite; did you mean --quiet\?/);
});

Deno.test("the valid migration workflow loads with no diagnostics", () => {
  const result = loadWorkflowText(VALID_MIGRATION, "migration.yaml");
  assert.deepEqual(result.diagnostics, []);
  assert.deepEqual(result.workflow?.steps.map((s) => s.id), [
    "import_topics",
    "topics",
    "create_topic",
    "plan",
    "bind",
    "summary",
    "check",
  ]);
});

/** A realistic workflow over the seeds' trocket and apigateway actions. */
const VALID_MIGRATION = `tcflow: 1
name: rocketmq-smooth-migration
description: Import source-cluster topics, then publish through API Gateway.
region: ap-guangzhou
inputs:
  taskId: { type: string, description: Smooth-migration task id }
  instanceId: { type: string }
  topics: { type: list, default: [] }
  queueNum: { type: integer, default: 8 }
  apiKey: { type: string, secret: true }
defaults:
  retry: { attempts: 5, delay: 1s, max_delay: 20s, multiplier: 2, jitter: full }
  timeout: 30s
schedule: "0 3 * * *"
steps:
  - id: import_topics
    doc: |
      Import every source topic into the migration task.
    action: trocket.ImportSourceClusterTopics
    version: "2023-03-08"
    region: ap-shanghai
    with:
      TaskId: \${{ inputs.taskId }}
      TopicList: \${{ inputs.topics.map(t, {"TopicName": t.name, "TopicType": "NORMAL", "QueueNum": inputs.queueNum}) }}

  - id: topics
    action: trocket.DescribeTopicList
    with: { InstanceId: "\${{ inputs.instanceId }}", Filters: [{ Name: TopicName, Values: [a] }] }
    paginate: true
    until: \${{ steps.topics.outputs.TotalCount >= size(inputs.topics) }}
    poll: { interval: 5s, timeout: 10m }

  - id: create_topic
    action: trocket.CreateTopic
    with:
      InstanceId: \${{ inputs.instanceId }}
      Topic: audit-\${{ run.id }}
      TopicType: NORMAL
      QueueNum: \${{ inputs.queueNum }}
    on_error: continue

  - id: plan
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: "migrated-\${{ inputs.taskId }}", MaxRequestNum: -1 }
    undo:
      action: apigateway.DeleteUsagePlan
      with: { UsagePlanId: "\${{ steps.plan.outputs.Result.UsagePlanId }}" }

  - id: bind
    action: apigateway.BindEnvironment
    foreach: \${{ ["test", "release"] }}
    concurrency: 2
    when: \${{ size(inputs.topics) > 0 }}
    with:
      UsagePlanIds: ["\${{ steps.plan.outputs.Result.UsagePlanId }}"]
      ServiceId: service-ody35h5e
      Environment: \${{ item }}
      BindType: SERVICE
    retry: { attempts: 3 }
    on_error: fail

  - id: summary
    set:
      plan_id: \${{ steps.plan.outputs.Result.UsagePlanId }}
      topic_names: \${{ steps.topics.outputs.Data.map(t, t.Topic) }}

  - id: check
    assert: \${{ size(steps.summary.outputs.topic_names) >= size(inputs.topics) }}
    message: not every topic arrived on the target instance

outputs:
  usage_plan: \${{ steps.summary.outputs.plan_id }}
`;

Deno.test("CLI: `env:` listing a credential variable is E_SECRET_ENV at its position, exit 2", async () => {
  const result = await cli("test/invalid/env_secret_tencent.yaml");
  assert.equal(result.code, 2);
  assertNoStackTrace(result.stdout + result.stderr);
  assert.match(
    result.stdout,
    /test\/invalid\/env_secret_tencent\.yaml:4:14: error E_SECRET_ENV: `env` must not list `TENCENTCLOUD_SECRET_KEY`/,
  );
});
