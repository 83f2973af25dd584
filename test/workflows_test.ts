/**
 * Every sample workflow in `workflows/` runs green against the in-process emulator, through the
 * real CLI (`tcflow run FILE --emulator --json`), with its steps and key outputs checked.
 */
import assert from "node:assert/strict";
import { parseJson } from "../lib/json.ts";
import { ROOT, runCli } from "./_cli.ts";

interface RunDoc {
  run_id: string;
  status: string;
  outputs: Record<string, unknown>;
  steps: Array<{
    id: string;
    status: string;
    attempts: number;
    outputs: unknown;
    error?: { code: string; message: string };
  }>;
}

/** What each sample must produce: its steps' statuses and a check of its outputs. */
const EXPECTED: Record<string, { steps: Record<string, string>; check(doc: RunDoc): void }> = {
  "rocketmq-smooth-migration.yaml": {
    steps: {
      source_groups: "succeeded",
      import_topics: "succeeded",
      import_groups: "succeeded",
      topics: "succeeded",
      groups: "succeeded",
      plan: "succeeded",
      bind: "succeeded",
      summary: "succeeded",
      check: "succeeded",
    },
    check(doc) {
      const topics = doc.outputs.topics as string[];
      assert.deepEqual([...topics].sort(), ["audit-log", "delayed-jobs", "orders", "payments"]);
      assert.equal((doc.outputs.groups as string[]).length, 3);
      assert.match(String(doc.outputs.usage_plan), /^usagePlan-[a-z0-9]+$/);
      const bind = doc.steps.find((s) => s.id === "bind")!;
      assert.equal((bind.outputs as unknown[]).length, 2, "bound to test and release");
    },
  },
  "apigateway-provisioning.yaml": {
    steps: {
      service: "succeeded",
      apis: "succeeded",
      release: "succeeded",
      plan: "succeeded",
      bind: "succeeded",
    },
    check(doc) {
      const apiIds = doc.outputs.api_ids as string[];
      assert.equal(apiIds.length, 2);
      for (const id of apiIds) assert.match(id, /^api-[a-z0-9]+$/);
      assert.notEqual(apiIds[0], apiIds[1]);
      assert.match(String(doc.outputs.service_id), /^service-[a-z0-9]+$/);
      assert.match(String(doc.outputs.usage_plan_id), /^usagePlan-[a-z0-9]+$/);
      assert.ok(String(doc.outputs.release_version).length > 0);
    },
  },
  "nightly-audit.yaml": {
    steps: {
      expiring: "succeeded",
      ports: "succeeded",
      findings: "succeeded",
      no_unexpected_ports: "succeeded",
    },
    check(doc) {
      assert.deepEqual(doc.outputs.unexpected_ports, []);
      const certs = doc.outputs.expiring_certificates as Array<{ id: string; ends: string }>;
      assert.ok(certs.length > 0, "some certificates expire soon");
      const ends = certs.map((c) => c.ends);
      assert.deepEqual([...ends].sort(), ends, "soonest first");
    },
  },
  "multicloud-inventory.yaml": {
    steps: {
      encode_servers: "succeeded",
      ports: "succeeded",
      summary: "succeeded",
      has_encode_servers: "succeeded",
      no_unexpected_ports: "succeeded",
    },
    check(doc) {
      const servers = doc.outputs.encode_servers as string[];
      assert.ok(servers.length > 0, "encode servers found");
      for (const id of servers) assert.match(id, /^[0-9a-f]{32}$/);
      assert.equal((doc.outputs.public_ips as unknown[]).length, servers.length);
      assert.deepEqual(doc.outputs.unexpected_ports, []);
      const pages = doc.steps.find((s) => s.id === "encode_servers")!;
      assert.ok(pages.attempts >= 2, "followed more than one page (limit 2)");
    },
  },
};

async function run(file: string, extra: string[] = []): Promise<{ code: number; doc: RunDoc }> {
  const stateDir = await Deno.makeTempDir({ prefix: "tcflow-workflows-" });
  try {
    const result = await runCli([
      "run",
      `workflows/${file}`,
      "--emulator",
      "--json",
      "--state-dir",
      stateDir,
      ...extra,
    ]);
    assert.ok(result.stdout.trim() !== "", `no JSON on stdout; stderr: ${result.stderr}`);
    return { code: result.code, doc: parseJson(result.stdout, "auto") as RunDoc };
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
}

const files = [...Deno.readDirSync(`${ROOT}workflows`)]
  .filter((entry) => entry.isFile && /\.ya?ml$/.test(entry.name))
  .map((entry) => entry.name)
  .sort();

Deno.test("every sample workflow has expectations here", () => {
  assert.deepEqual(files, Object.keys(EXPECTED).sort());
});

for (const file of files) {
  Deno.test(`workflows/${file} runs green against the emulator`, async () => {
    const expected = EXPECTED[file];
    assert.ok(expected !== undefined, `no expectations for ${file}`);
    const { code, doc } = await run(file);
    assert.equal(doc.status, "succeeded", JSON.stringify(doc.steps.filter((s) => s.error)));
    assert.equal(code, 0);
    assert.match(doc.run_id, /\S/);
    assert.deepEqual(
      Object.fromEntries(doc.steps.map((s) => [s.id, s.status])),
      expected.steps,
    );
    for (const step of doc.steps) assert.equal(step.error, undefined, step.id);
    expected.check(doc);
  });
}

Deno.test("the nightly audit fails (exit 1) when a port outside the allow-list is open", async () => {
  const { code, doc } = await run("nightly-audit.yaml", ["--input", "allowedPorts=[22]"]);
  assert.equal(code, 1);
  assert.equal(doc.status, "failed");
  const failed = doc.steps.filter((s) => s.status === "failed");
  assert.deepEqual(failed.map((s) => s.id), ["no_unexpected_ports"]);
  assert.equal(failed[0]!.error?.code, "E_ASSERT");
  assert.match(failed[0]!.error?.message ?? "", /a port outside the allow-list is open/);
  const unexpected = doc.outputs.unexpected_ports as Array<{ port: number }>;
  assert.ok(unexpected.length > 0);
  assert.ok(unexpected.every((p) => Number(p.port) !== 22));
});

Deno.test("plan --live-reads of the multicloud sample reads both clouds from the emulator", async () => {
  const plan = await runCli([
    "plan",
    `${ROOT}workflows/multicloud-inventory.yaml`,
    "--live-reads",
    "--emulator",
    "--json",
  ]);
  assert.equal(plan.code, 0, plan.stderr);
  const doc = parseJson(plan.stdout) as {
    steps: Array<{ id: string; live?: boolean; action: string | null }>;
    outputs: Record<string, unknown>;
  };
  const live = doc.steps.filter((s) => s.live).map((s) => s.action);
  assert.deepEqual(live, ["huaweicloud/cph.ListEncodeServers", "yunjing.DescribeOpenPorts"]);
});
