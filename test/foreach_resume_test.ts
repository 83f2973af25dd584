/**
 * `foreach` items are journaled one by one, and `resume` never sends an item that succeeded
 * (PRODUCT.md section 13): after a failure (`on_error: fail` or `continue`) and after a kill,
 * with `--retry-uncertain` sending only the uncertain items. The real executor, journal files,
 * CLI and emulator; usage plans are counted in the emulator.
 */
import assert from "node:assert/strict";
import type { RunEvent } from "../lib/journal/events.ts";
import { replay } from "../lib/journal/replay.ts";
import { hasStackTrace } from "./_cli.ts";
import { applied, cli, fixture, journaledRun } from "./_journal_fixture.ts";

const plans = (onError: "fail" | "continue", after = "") => `
tcflow: 1
name: plans
region: ap-guangzhou
steps:
  - id: plans
    action: apigateway.CreateUsagePlan
    foreach: \${{ ["p0", "p1", "p2", "p3", "p4", "p5"] }}
    concurrency: 1
    on_error: ${onError}
    with: { UsagePlanName: "\${{ item }}" }
${after}
outputs:
  names: \${{ steps.plans.outputs.map(o, o == null ? "" : o.Result.UsagePlanName) }}
`;

/** The 4th CreateUsagePlan call (item 3) fails once, with an error that is not retried. */
const FOURTH_FAILS = "rate=1;codes=InvalidParameter;actions=CreateUsagePlan;skip=3;times=1";

const names = (fx: Awaited<ReturnType<typeof fixture>>) =>
  applied(fx, "CreateUsagePlan").map((c) => (c.params as { UsagePlanName: string }).UsagePlanName);

Deno.test("resume after the 4th of 6 foreach items failed sends items 3-5 only", async () => {
  const fx = await fixture();
  fx.emulator.setFaults(FOURTH_FAILS, 1);
  const run = await cli(fx, ["run", await write(fx, plans("fail")), "--json", "--quiet"]);
  assert.equal(run.code, 1, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.deepEqual(doc.steps[0].items, [
    { index: 0, status: "succeeded", attempts: 1 },
    { index: 1, status: "succeeded", attempts: 1 },
    { index: 2, status: "succeeded", attempts: 1 },
    {
      index: 3,
      status: "failed",
      attempts: 1,
      error: doc.steps[0].items[3].error,
    },
    { index: 4, status: "skipped", attempts: 0 },
    { index: 5, status: "skipped", attempts: 0 },
  ]);
  assert.equal(doc.steps[0].items[3].error.code, "InvalidParameter");
  assert.deepEqual(names(fx), ["p0", "p1", "p2"]);

  const resumed = await cli(fx, ["resume", doc.run_id, "--json", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const again = JSON.parse(resumed.stdout);
  assert.equal(again.status, "succeeded");
  assert.deepEqual(again.outputs.names, ["p0", "p1", "p2", "p3", "p4", "p5"]);
  assert.deepEqual(names(fx), ["p0", "p1", "p2", "p3", "p4", "p5"], "no usage plan created twice");
  assert.equal(again.steps[0].attempts, 3, "only items 3-5 were sent");
  assert.deepEqual(
    again.steps[0].items.map((i: { status: string }) => i.status),
    Array(6).fill("succeeded"),
  );
  // The step's outputs are journaled once, in its items (of both sessions); replay (runs,
  // report, a later resume) puts them back in item order.
  const events = (await fx.store.read(doc.run_id)).events;
  const succeeded = events.find((e) => e.type === "step-succeeded");
  assert.ok(succeeded?.type === "step-succeeded");
  assert.deepEqual([succeeded.outputs, succeeded.itemOutputs], [[], 6]);
  const step = replay(events).steps.find((s) => s.id === "plans")!;
  assert.deepEqual(
    (step.outputs as Array<{ Result: { UsagePlanName: string } }>).map((o) =>
      o.Result.UsagePlanName
    ),
    ["p0", "p1", "p2", "p3", "p4", "p5"],
  );
});

Deno.test("on_error: continue: resume re-sends only the item that failed", async () => {
  const fx = await fixture();
  fx.emulator.setFaults(FOURTH_FAILS, 1);
  const gate = `
  - id: gate
    assert: \${{ steps.plans.status == "succeeded" }}
    message: some usage plan is missing`;
  const run = await cli(fx, ["run", await write(fx, plans("continue", gate)), "--json"]);
  assert.equal(run.code, 1, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.steps[0].status, "failed");
  assert.deepEqual(
    doc.steps[0].items.map((i: { status: string }) => i.status),
    ["succeeded", "succeeded", "succeeded", "failed", "succeeded", "succeeded"],
  );
  assert.deepEqual(names(fx), ["p0", "p1", "p2", "p4", "p5"]);

  const resumed = await cli(fx, ["resume", doc.run_id, "--json", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(names(fx), ["p0", "p1", "p2", "p4", "p5", "p3"], "only item 3 was sent");
  assert.deepEqual(JSON.parse(resumed.stdout).outputs.names, ["p0", "p1", "p2", "p3", "p4", "p5"]);
});

const isItem = (e: RunEvent, type: string, index: number) =>
  (e as { type: string }).type === type && (e as { index?: number }).index === index;

Deno.test("an item in flight at a kill is uncertain; --retry-uncertain sends only it", async () => {
  const fx = await fixture();
  const crashed = await journaledRun(fx, plans("fail"), {
    runId: "r-kill",
    // Killed after item 3 was journaled as started, before its request went out.
    crash: { after: (e) => isItem(e, "item-started", 3) },
  });
  assert.equal(crashed, "crashed");
  assert.deepEqual(names(fx), ["p0", "p1", "p2"]);

  const resumed = await cli(fx, ["resume", "r-kill", "--json"]);
  assert.equal(resumed.code, 1, resumed.stderr);
  assert.equal(hasStackTrace(resumed.stderr), false);
  const doc = JSON.parse(resumed.stdout);
  assert.equal(doc.status, "uncertain");
  assert.equal(doc.steps[0].status, "uncertain");
  const runs = await cli(fx, ["runs", "--json"]);
  assert.equal(
    JSON.parse(runs.stdout).runs.find((r: { run_id: string }) => r.run_id === "r-kill")?.status,
    "uncertain",
  );
  assert.match(doc.steps[0].error.message, /^item 3: .*--retry-uncertain/);
  assert.deepEqual(
    doc.steps[0].items.map((i: { status: string }) => i.status),
    ["succeeded", "succeeded", "succeeded", "uncertain", "succeeded", "succeeded"],
  );
  assert.match(resumed.stderr, /item 3/);
  assert.deepEqual(names(fx), ["p0", "p1", "p2", "p4", "p5"], "items 4 and 5 sent, 3 not");

  // Without the flag nothing more is sent.
  assert.equal((await cli(fx, ["resume", "r-kill", "--quiet"])).code, 1);
  assert.equal(names(fx).length, 5);

  const retried = await cli(fx, ["resume", "r-kill", "--retry-uncertain", "--json", "--quiet"]);
  assert.equal(retried.code, 0, retried.stderr);
  assert.deepEqual(names(fx), ["p0", "p1", "p2", "p4", "p5", "p3"], "only item 3 sent again");
  assert.equal(JSON.parse(retried.stdout).steps[0].attempts, 1);
  const state = replay((await fx.store.read("r-kill")).events);
  assert.equal(state.status, "succeeded");
});

Deno.test("an item whose answer was lost at a kill is not created twice", async () => {
  const fx = await fixture();
  const crashed = await journaledRun(fx, plans("fail"), {
    runId: "r-lost",
    // Item 1 was applied, the process died before journaling it.
    crash: { before: (e) => isItem(e, "item-finished", 1) },
  });
  assert.equal(crashed, "crashed");
  assert.deepEqual(names(fx), ["p0", "p1"]);
  const resumed = await cli(fx, ["resume", "r-lost", "--json", "--quiet"]);
  assert.equal(resumed.code, 1);
  assert.deepEqual(names(fx), ["p0", "p1", "p2", "p3", "p4", "p5"], "item 1 not sent again");
});

async function write(fx: { dir: string }, text: string): Promise<string> {
  const file = `${fx.dir}/workflow.yaml`;
  await Deno.writeTextFile(file, text);
  return file;
}

Deno.test("an item left uncertain by a kill does not trigger rollback: on_failure", async () => {
  const fx = await fixture();
  const text = `rollback: on_failure\n${plans("fail")}`.replace(
    `    with: { UsagePlanName: "\${{ item }}" }`,
    `    with: { UsagePlanName: "\${{ item }}" }
    undo:
      action: apigateway.DeleteUsagePlan
      with: { UsagePlanId: "\${{ steps.plans.outputs[index].Result.UsagePlanId }}" }`,
  );
  assert.match(text, /undo:/);
  const crashed = await journaledRun(fx, text, {
    runId: "r-kept",
    crash: { after: (e) => isItem(e, "item-started", 2) },
  });
  assert.equal(crashed, "crashed");
  const resumed = await cli(fx, ["resume", "r-kept", "--json", "--quiet"]);
  assert.equal(resumed.code, 1, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout).steps[0].status, "uncertain");
  const deletes = fx.emulator.calls().filter((c) => c.action === "DeleteUsagePlan");
  assert.equal(deletes.length, 0, "nothing undone: the user settles the uncertain item");
  assert.deepEqual(names(fx), ["p0", "p1", "p3", "p4", "p5"]);
  const retried = await cli(fx, ["resume", "r-kept", "--retry-uncertain", "--quiet"]);
  assert.equal(retried.code, 0, retried.stderr);
  assert.deepEqual(names(fx), ["p0", "p1", "p3", "p4", "p5", "p2"]);
});

Deno.test("every item done before a kill: resume sends none, and the step keeps the last item's request id", async () => {
  const fx = await fixture();
  const text = plans("fail").replace(
    "outputs:\n",
    "outputs:\n  request_id: ${{ steps.plans.request_id }}\n",
  );
  const crashed = await journaledRun(fx, text, {
    runId: "r-all-done",
    // Killed after the last item was journaled, before the step finished.
    crash: { after: (e) => isItem(e, "item-finished", 5) },
  });
  assert.equal(crashed, "crashed");
  const last = (await fx.store.read("r-all-done")).events.find((e) =>
    isItem(e, "item-finished", 5)
  ) as { requestId?: string } | undefined;
  assert.match(last?.requestId ?? "", /^[0-9a-f-]{36}$/, "the item's request id is journaled");
  const resumed = await cli(fx, ["resume", "r-all-done", "--json", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(names(fx).length, 6, "no item sent again");
  assert.equal(JSON.parse(resumed.stdout).outputs.request_id, last?.requestId);
});
