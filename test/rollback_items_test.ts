/**
 * `tcflow rollback` undoes exactly what was applied (PRODUCT.md section 13): the succeeded
 * items of a `foreach` step that failed part-way, each undo at most once, an undo answered
 * `ResourceNotFound*` counted as done (so an interrupted rollback finishes when run again), and
 * the run listed `rolled_back` by `runs`, `report` (Markdown and HTML) and `rollback --json`.
 * The real executor, journal files, CLI and emulator; usage plans counted in the emulator.
 */
import assert from "node:assert/strict";
import { replay } from "../lib/journal/replay.ts";
import { applied, cli, fixture } from "./_journal_fixture.ts";

const PLANS = `
tcflow: 1
name: plans
region: ap-guangzhou
steps:
  - id: plans
    action: apigateway.CreateUsagePlan
    foreach: \${{ ["p0", "p1", "p2", "p3", "p4", "p5"] }}
    concurrency: 1
    with: { UsagePlanName: "\${{ item }}" }
    undo:
      action: apigateway.DeleteUsagePlan
      with: { UsagePlanId: "\${{ steps.plans.outputs[index].Result.UsagePlanId }}" }
`;

/** The 4th CreateUsagePlan call (item 3) fails, with an error that is not retried. */
const FOURTH_FAILS = "rate=1;codes=InvalidParameter;actions=CreateUsagePlan;skip=3;times=1";

type Fx = Awaited<ReturnType<typeof fixture>>;

const plansLeft = (fx: Fx) =>
  (fx.emulator.state() as { apigateway: { usagePlans: Array<{ UsagePlanName: string }> } })
    .apigateway.usagePlans.map((p) => p.UsagePlanName);

async function failedRun(fx: Fx): Promise<string> {
  fx.emulator.setFaults(FOURTH_FAILS, 1);
  await Deno.writeTextFile(`${fx.dir}/plans.yaml`, PLANS);
  const run = await cli(fx, ["run", "plans.yaml", "--json", "--quiet"]);
  assert.equal(run.code, 1, run.stderr);
  assert.deepEqual(plansLeft(fx), ["p0", "p1", "p2"]);
  fx.emulator.setFaults(undefined);
  return JSON.parse(run.stdout).run_id;
}

const deletes = (fx: Fx) => fx.emulator.calls().filter((c) => c.action === "DeleteUsagePlan");

Deno.test("rollback of a partly failed foreach undoes its succeeded items, once", async () => {
  const fx = await fixture();
  const runId = await failedRun(fx);

  const rolled = await cli(fx, ["rollback", runId, "--json"]);
  assert.equal(rolled.code, 0, rolled.stderr);
  assert.deepEqual(JSON.parse(rolled.stdout), {
    run_id: runId,
    status: "rolled_back",
    steps: [
      { id: "plans", index: 2, status: "succeeded" },
      { id: "plans", index: 1, status: "succeeded" },
      { id: "plans", index: 0, status: "succeeded" },
    ],
  });
  assert.deepEqual(plansLeft(fx), []);
  assert.equal(deletes(fx).length, 3);

  const listed = JSON.parse((await cli(fx, ["runs", "--json"])).stdout);
  assert.equal(listed.runs[0].status, "rolled_back");
  const markdown = await cli(fx, ["report", runId]);
  assert.match(markdown.stdout, /rolled_back/);
  const html = await cli(fx, ["report", runId, "--html"]);
  assert.match(html.stdout, /<span class="badge rolled_back">rolled_back<\/span>/);

  const again = await cli(fx, ["rollback", runId, "--json"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /nothing to undo/);
  assert.equal(JSON.parse(again.stdout).status, "rolled_back");
  assert.equal(deletes(fx).length, 3, "a second rollback repeats nothing");
});

Deno.test("an interrupted rollback is run again and finishes; ResourceNotFound counts as done", async () => {
  const fx = await fixture();
  const runId = await failedRun(fx);
  // The undo of item 1 deletes the plan, then the connection drops: its outcome is unknown.
  fx.emulator.setFaults("cut-after=1;actions=DeleteUsagePlan;skip=1;times=1", 1);
  const first = await cli(fx, ["rollback", runId, "--json", "--quiet"]);
  assert.equal(first.code, 1, first.stderr);
  assert.equal(JSON.parse(first.stdout).status, "failed");
  assert.deepEqual(plansLeft(fx), []);
  fx.emulator.setFaults(undefined);
  const listed = JSON.parse((await cli(fx, ["runs", "--json"])).stdout);
  assert.equal(listed.runs[0].status, "failed");

  const second = await cli(fx, ["rollback", runId, "--json", "--quiet"]);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(JSON.parse(second.stdout).steps, [
    { id: "plans", index: 1, status: "succeeded" },
  ]);
  const gone = deletes(fx).at(-1);
  assert.match(gone?.outcome ?? "", /^ResourceNotFound/);
  assert.equal(deletes(fx).length, 4, "only the undo of item 1 was sent again");
  const state = replay((await fx.store.read(runId)).events);
  assert.equal(state.status, "rolled_back");
  assert.equal(
    JSON.parse((await cli(fx, ["runs", "--json"])).stdout).runs[0].status,
    "rolled_back",
  );
});

Deno.test("rollback: on_failure leaves the run rolled_back; a later rollback repeats nothing", async () => {
  const fx = await fixture();
  fx.emulator.setFaults(FOURTH_FAILS, 1);
  await Deno.writeTextFile(`${fx.dir}/plans.yaml`, `rollback: on_failure\n${PLANS}`);
  const run = await cli(fx, ["run", "plans.yaml", "--json"]);
  assert.equal(run.code, 1, run.stderr);
  assert.deepEqual(plansLeft(fx), []);
  assert.equal(deletes(fx).length, 3);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.status, "rolled_back", "run --json says what became of the run");
  assert.match(run.stderr, /^run \S+ FAILED and ROLLED BACK in /m);
  const runId = doc.run_id;
  assert.equal(
    JSON.parse((await cli(fx, ["runs", "--json"])).stdout).runs[0].status,
    "rolled_back",
  );
  const again = await cli(fx, ["rollback", runId, "--quiet"]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(deletes(fx).length, 3);
});

Deno.test("rollback: on_failure with an undo that fails leaves the run failed", async () => {
  const fx = await fixture();
  // The 4th create fails, then the first undo (item 2's delete) fails too: not retried.
  fx.emulator.setFaults(
    "rate=1;codes=InvalidParameter;actions=CreateUsagePlan,DeleteUsagePlan;skip=3;times=2",
    1,
  );
  await Deno.writeTextFile(`${fx.dir}/plans.yaml`, `rollback: on_failure\n${PLANS}`);
  const run = await cli(fx, ["run", "plans.yaml", "--json"]);
  assert.equal(run.code, 1, run.stderr);
  assert.deepEqual(plansLeft(fx), ["p2"]);
  assert.equal(JSON.parse(run.stdout).status, "failed");
  assert.match(run.stderr, /^run \S+ FAILED in /m);
  assert.equal(JSON.parse((await cli(fx, ["runs", "--json"])).stdout).runs[0].status, "failed");
});

Deno.test("rollback never undoes a failed step", async () => {
  const fx = await fixture();
  await Deno.writeTextFile(
    `${fx.dir}/one.yaml`,
    `
tcflow: 1
name: one
region: ap-guangzhou
steps:
  - id: plan
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: only }
    undo:
      action: apigateway.DeleteUsagePlan
      with: { UsagePlanId: "\${{ steps.plan.outputs.Result.UsagePlanId }}" }
`,
  );
  fx.emulator.setFaults("rate=1;codes=InvalidParameter;actions=CreateUsagePlan", 1);
  const run = await cli(fx, ["run", "one.yaml", "--json", "--quiet"]);
  assert.equal(run.code, 1);
  const rolled = await cli(fx, ["rollback", JSON.parse(run.stdout).run_id]);
  assert.equal(rolled.code, 0);
  assert.match(rolled.stderr, /nothing to undo/);
  assert.equal(deletes(fx).length, 0);
  assert.equal(applied(fx, "CreateUsagePlan").length, 0);
});

Deno.test("an undo answered ResourceNotFound counts as done: a cut rollback finishes", async () => {
  const fx = await fixture();
  await Deno.writeTextFile(
    `${fx.dir}/gate.yaml`,
    `
tcflow: 1
name: gate
region: ap-guangzhou
steps:
  - id: plan
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: gated }
    undo:
      action: apigateway.DeleteUsagePlan
      with: { UsagePlanId: "\${{ steps.plan.outputs.Result.UsagePlanId }}" }
  - id: gate
    assert: \${{ false }}
`,
  );
  const run = await cli(fx, ["run", "gate.yaml", "--json", "--quiet"]);
  assert.equal(run.code, 1);
  const runId = JSON.parse(run.stdout).run_id;
  // The delete is applied, then the connection drops: the first rollback cannot tell.
  fx.emulator.setFaults("cut-after=1;actions=DeleteUsagePlan;times=1", 1);
  assert.equal((await cli(fx, ["rollback", runId, "--quiet"])).code, 1);
  assert.deepEqual(plansLeft(fx), []);
  fx.emulator.setFaults(undefined);
  const second = await cli(fx, ["rollback", runId, "--json", "--quiet"]);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(JSON.parse(second.stdout).status, "rolled_back");
  assert.match(deletes(fx).at(-1)?.outcome ?? "", /^ResourceNotFound/);
  const third = await cli(fx, ["rollback", runId, "--quiet"]);
  assert.equal(third.code, 0);
  assert.equal(deletes(fx).length, 2, "a finished rollback repeats nothing");
});

Deno.test("a step skipped by its when: is in the undo blocks' scope, read as skipped", async () => {
  const fx = await fixture();
  await Deno.writeTextFile(
    `${fx.dir}/skip.yaml`,
    `
tcflow: 1
name: skip
region: ap-guangzhou
steps:
  - id: suffix
    when: \${{ false }}
    set: { text: "-x" }
  - id: plan
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: "p\${{ steps.suffix.status == 'skipped' ? '' : steps.suffix.outputs.text }}" }
    undo:
      action: apigateway.DeleteUsagePlan
      with:
        UsagePlanId: "\${{ steps.suffix.status == 'skipped' ? steps.plan.outputs.Result.UsagePlanId : 'none' }}"
  - id: gate
    assert: \${{ false }}
    message: stop here
`,
  );
  const run = await cli(fx, ["run", "skip.yaml", "--json", "--quiet"]);
  assert.equal(run.code, 1, run.stderr);
  assert.deepEqual(plansLeft(fx), ["p"]);
  const runId = JSON.parse(run.stdout).run_id;
  const rolled = await cli(fx, ["rollback", runId, "--json"]);
  assert.equal(rolled.code, 0, rolled.stderr);
  assert.deepEqual(JSON.parse(rolled.stdout).steps, [{ id: "plan", status: "succeeded" }]);
  assert.deepEqual(plansLeft(fx), []);
});
