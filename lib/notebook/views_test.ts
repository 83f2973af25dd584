import assert from "node:assert/strict";
import { openNotebook } from "./jupyter.ts";

const WORKFLOW = `tcflow: 1
name: nb-views
region: ap-guangzhou
inputs:
  prefix: { type: string, default: a }
steps:
  - id: create
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: nb-plan, MaxRequestNum: -1 }
  - id: plans
    action: apigateway.DescribeUsagePlansStatus
    with: {}
  - id: check
    assert: \${{ inputs.prefix != "bad" }}
    message: prefix is bad
`;

async function open() {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/wf.yaml`, WORKFLOW);
  const nb = await openNotebook(`${dir}/wf.yaml`, {
    emulator: true,
    stateDir: `${dir}/state`,
    env: () => undefined,
  });
  return { dir, nb };
}

Deno.test("Jupyter: a failed cell raises (so nbconvert --execute fails), naming the cell and error", async () => {
  const { dir, nb } = await open();
  try {
    nb.set("prefix", "bad");
    await assert.rejects(() => nb.run("check"), /cell 3 \(check\) failed: .*prefix is bad/);
    nb.set("prefix", "good");
    const retried = await nb.retry();
    assert.match(retried.text, /check .*succeeded/);
    await nb.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lists inside a structure (Result) show as tables; eval; the report shows inputs as set", async () => {
  const { dir, nb } = await open();
  try {
    await nb.run("create");
    const shown = await nb.run("plans");
    // DescribeUsagePlansStatus answers { Result: { TotalCount, UsagePlanStatusSet: [...] } }.
    assert.match(
      shown.text,
      /Result:\n {4}TotalCount: \d+\n {4}UsagePlanStatusSet: \d+ rows?\n {6}# {2}/,
    );
    assert.match(shown.html, /<th[^>]*>Result<\/th><td[^>]*><table[^>]*><tr><th[^>]*>TotalCount/);
    assert.match(
      shown.html,
      /<th[^>]*>UsagePlanStatusSet<\/th><td[^>]*><table style="border-collapse:collapse;margin:4px 0"><tr><th[^>]*>#<\/th>/,
    );
    const total = nb.session.eval("steps.plans.outputs.Result.TotalCount + 1");
    assert.equal(typeof total, "bigint");
    assert.throws(() => nb.session.eval("steps.nope.outputs"), /nope/);
    nb.set("prefix", "changed");
    assert.match(nb.session.report("markdown"), /\| `prefix` \| changed \|/);
    await nb.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
