import assert from "node:assert/strict";
import { parseJson } from "../lib/json.ts";
import { loadWorkflowText } from "../lib/workflow/load.ts";
import { planWorkflow } from "../lib/workflow/plan.ts";
import { ROOT, runCli } from "./_cli.ts";

const MIGRATION = `${ROOT}workflows/rocketmq-smooth-migration.yaml`;

type JsonPlan = {
  status: string;
  steps: Array<{
    id: string;
    action: string | null;
    version: string | null;
    region: string | null;
    mutating: boolean;
    requests: Array<Record<string, unknown>>;
    undo?: { action: string; requests: unknown[] };
  }>;
};

Deno.test("plan --json of the sample migration resolves every request without sending one", async () => {
  const fetched: string[] = [];
  const result = await runCli(["plan", MIGRATION, "--json"], {
    deps: {
      fetch: (request) => {
        fetched.push(request.url);
        return Promise.reject(new Error("plan must not use the network"));
      },
    },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(fetched, []);
  const plan = parseJson(result.stdout, "auto") as JsonPlan;
  assert.equal(plan.status, "planned");
  const byId = new Map(plan.steps.map((step) => [step.id, step]));

  const imports = byId.get("import_topics")!;
  assert.equal(imports.action, "trocket.ImportSourceClusterTopics");
  assert.equal(imports.version, "2023-03-08");
  assert.equal(imports.region, "ap-guangzhou");
  assert.equal(imports.mutating, true);
  assert.deepEqual(imports.requests, [{
    TaskId: "task-demo0001",
    TopicList: [
      { TopicName: "orders", TopicType: "NORMAL", QueueNum: 8 },
      { TopicName: "payments", TopicType: "NORMAL", QueueNum: 8 },
      { TopicName: "audit-log", TopicType: "NORMAL", QueueNum: 8 },
      { TopicName: "delayed-jobs", TopicType: "DELAY", QueueNum: 8 },
    ],
  }]);

  const groups = byId.get("source_groups")!;
  assert.equal(groups.mutating, false);
  assert.equal(groups.requests[0]!.TaskId, "task-demo0001");
  assert.equal(groups.requests[0]!.Offset, 0, "a paginated step starts at offset 0");

  const plan_ = byId.get("plan")!;
  assert.deepEqual(plan_.requests[0], {
    UsagePlanName: "migrated-task-demo0001",
    UsagePlanDesc: "Usage plan of the topics migrated by task-demo0001",
    MaxRequestNum: -1,
    MaxRequestNumPreSec: 1000,
  });
  assert.equal(plan_.undo?.action, "apigateway.DeleteUsagePlan");
  assert.deepEqual(plan_.undo?.requests, [{
    UsagePlanId: "<apigateway.CreateUsagePlan.Result.UsagePlanId>",
  }]);

  const bind = byId.get("bind")!;
  assert.deepEqual(bind.requests.map((r) => r.Environment), ["test", "release"]);
  assert.deepEqual(bind.requests[0]!.UsagePlanIds, [
    "<apigateway.CreateUsagePlan.Result.UsagePlanId>",
  ]);
});

Deno.test("plan takes --input values, typed by the declarations", async () => {
  const result = await runCli([
    "plan",
    MIGRATION,
    "--json",
    "--input",
    "taskId=task-xyz",
    "--input",
    "queueNum=18446744073709551615",
    "--input",
    "environments=[prepub]",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /"QueueNum": 18446744073709551615/);
  const plan = parseJson(result.stdout, "auto") as JsonPlan;
  const bind = plan.steps.find((s) => s.id === "bind")!;
  assert.deepEqual(bind.requests.map((r) => r.Environment), ["prepub"]);
  assert.equal(
    plan.steps.find((s) => s.id === "plan")!.requests[0]!.UsagePlanName,
    "migrated-task-xyz",
  );
});

Deno.test("plan redacts secret inputs in every request", async () => {
  const source = `tcflow: 1
name: secret-plan
region: ap-guangzhou
inputs:
  apiKey: { type: string, secret: true }
steps:
  - id: plan
    action: apigateway.CreateUsagePlan
    with:
      UsagePlanName: plan-\${{ inputs.apiKey }}
      UsagePlanDesc: \${{ inputs.apiKey }}
`;
  const { workflow, diagnostics } = loadWorkflowText(source, "secret.yaml");
  assert.deepEqual(diagnostics.filter((d) => d.severity === "error"), []);
  const plan = await planWorkflow(workflow!, {
    inputs: { apiKey: "s3cr3t-value" },
    secrets: ["s3cr3t-value"],
  });
  const text = JSON.stringify(plan);
  assert.equal(text.includes("s3cr3t-value"), false);
  assert.deepEqual(plan.steps[0]!.requests, [{ UsagePlanName: "plan-***", UsagePlanDesc: "***" }]);
});

Deno.test("plan of an invalid workflow exits 2 with diagnostics and plans nothing", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/bad.yaml`;
  await Deno.writeTextFile(
    file,
    "tcflow: 1\nname: bad\nsteps:\n  - id: a\n    action: trocket.DescribeTopicLst\n    with: {}\n",
  );
  const result = await runCli(["plan", file]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /E_UNKNOWN_ACTION/);
  assert.match(result.stderr, /DescribeTopicList/);
  assert.equal(result.stdout, "");
});

Deno.test("plan rejects unknown flags and bad inputs with exit 2", async () => {
  const flag = await runCli(["plan", MIGRATION, "--jsonn"]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /unknown flag --jsonn; did you mean --json\?/);
  const input = await runCli(["plan", MIGRATION, "--input", "queueNum=eight"]);
  assert.equal(input.code, 2);
  assert.match(input.stderr, /queueNum/);
});

Deno.test("plan colors a terminal unless NO_COLOR or --no-color says not to", async () => {
  const ESC = "\u001b[";
  const colored = await runCli(["plan", MIGRATION], { isTerminal: true });
  assert.equal(colored.code, 0, colored.stderr);
  assert.ok(colored.stdout.includes(ESC), "colored on a terminal");
  for (
    const [args, env] of [
      [["plan", MIGRATION], { NO_COLOR: "1" }],
      [["plan", MIGRATION, "--no-color"], {}],
    ] as const
  ) {
    const plain = await runCli([...args], { isTerminal: true, env });
    assert.equal(plain.code, 0, plain.stderr);
    assert.ok(!plain.stdout.includes(ESC), args.join(" "));
  }
});

Deno.test("plan shows the ClientToken a run sends with an action that takes one (derived per run)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-plan-token-" });
  try {
    await Deno.writeTextFile(
      `${dir}/eip.yaml`,
      "tcflow: 1\nname: eip\nregion: ap-guangzhou\nsteps:\n" +
        "  - id: eip\n    action: vpc.AllocateAddresses\n    with: { AddressCount: 1 }\n" +
        "  - id: own\n    action: vpc.AllocateAddresses\n" +
        "    with: { AddressCount: 1, ClientToken: mine-1 }\n",
    );
    const out = await runCli(["plan", "eip.yaml", "--json"], { cwd: dir });
    assert.equal(out.code, 0, out.stderr);
    const plan = JSON.parse(out.stdout);
    assert.match(plan.steps[0].requests[0].ClientToken, /^<ClientToken: tcf-…/);
    assert.equal(plan.steps[1].requests[0].ClientToken, "mine-1"); // the workflow's own kept
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
