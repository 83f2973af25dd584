/**
 * `--region` overrides the workflow's `region:` (not a step's own `region:`), in `plan`, `run`
 * and the rest of a run (`resume`), PRODUCT.md section 16. The real CLI and emulator server.
 */
import assert from "node:assert/strict";
import { serveEmulator } from "../lib/emulator/server.ts";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { runCli } from "./_cli.ts";

const WORKFLOW = `
tcflow: 1
name: regions
region: ap-guangzhou
steps:
  - id: here
    action: apigateway.DescribeUsagePlansStatus
  - id: pinned
    action: apigateway.DescribeUsagePlansStatus
    region: ap-shanghai
  - id: after
    action: apigateway.DescribeUsagePlansStatus
`;

Deno.test("--region overrides the workflow's region: in plan, run and resume, not a step's own", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-region-" });
  await Deno.writeTextFile(`${dir}/regions.yaml`, WORKFLOW);
  const server = await serveEmulator({ port: 0 });
  const env = {
    TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
    TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
  };
  const cli = (args: string[]) => runCli(args, { cwd: dir, env });
  try {
    const plan = await cli(["plan", "regions.yaml", "--region", "ap-beijing", "--json"]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.deepEqual(
      JSON.parse(plan.stdout).steps.map((s: { id: string; region?: string }) => [s.id, s.region]),
      [["here", "ap-beijing"], ["pinned", "ap-shanghai"], ["after", "ap-beijing"]],
    );

    // The third call (step "after") fails once: resume sends it again, to the flag's region.
    server.emulator.setFaults(
      "rate=1;codes=InvalidParameter;actions=DescribeUsagePlansStatus;skip=2;times=1",
      1,
    );
    const flags = ["--endpoint-url", server.url, "--region", "ap-beijing", "--json", "-q"];
    const run = await cli(["run", "regions.yaml", ...flags]);
    assert.equal(run.code, 1, run.stderr);
    const runId = JSON.parse(run.stdout).run_id;
    const resumed = await cli(["resume", runId, "--json"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(server.emulator.calls().map((c) => [c.region, c.outcome]), [
      ["ap-beijing", "ok"],
      ["ap-shanghai", "ok"],
      ["ap-beijing", "InvalidParameter"],
      ["ap-beijing", "ok"],
    ]);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
