/**
 * ClientToken guarantees against the real emulator (it honours ClientToken for every action
 * that takes one: a second call with the same token answers the first call's answer and
 * changes nothing), with a cut after the first create was applied.
 */
import assert from "node:assert/strict";
import { testEngine, workflowOf } from "./_engine.ts";
import { MemorySink } from "../lib/journal/events.ts";
import type { RunResult } from "../lib/engine/executor.ts";
import { createRateLimiter } from "../lib/engine/rate_limiter.ts";
import { rollbackWorkflow } from "../lib/engine/rollback.ts";
import { clientTokenFor } from "../lib/engine/client_token.ts";

const TOKEN = "my-own-token-1";

const VPC = (extra = "") => `
tcflow: 1
name: eip-token
region: ap-guangzhou
steps:
  - id: eip
    action: vpc.AllocateAddresses
    with: { AddressCount: 1${extra} }
    retry: { attempts: 3, delay: 1s }
`;

/**
 * The emulator applied one call (one answer kept under one token), and the step's output is that
 * first (cut) call's answer: the retry was answered from the token, not applied again.
 */
function assertAppliedOnce(engine: ReturnType<typeof testEngine>, token: string, outputs: unknown) {
  const vpc = engine.emulator.state().vpc as { tokens: Record<string, Record<string, unknown>> };
  assert.deepEqual(Object.keys(vpc.tokens), [`2017-03-12|AllocateAddresses|${token}`]);
  const first = vpc.tokens[`2017-03-12|AllocateAddresses|${token}`]!;
  assert.equal((outputs as { TaskId: string }).TaskId, first.TaskId);
}

function creates(engine: ReturnType<typeof testEngine>) {
  return engine.emulator.calls().filter((c) => c.action === "AllocateAddresses");
}

Deno.test("a user's own ClientToken in with: is re-sent after a cut, and the create applies once", async () => {
  const engine = testEngine({
    emulator: { faults: "cut-after=1;times=1;actions=AllocateAddresses" },
  });
  const { result } = await engine.run(VPC(`, ClientToken: ${TOKEN}`));
  assert.equal(result.status, "succeeded", JSON.stringify(result.steps[0]?.error));
  assert.equal(result.steps[0]?.attempts, 2);
  const calls = creates(engine);
  assert.deepEqual(calls.map((c) => c.outcome), ["cut-after", "ok"]);
  assert.deepEqual(
    calls.map((c) => (c.params as { ClientToken?: string }).ClientToken),
    [TOKEN, TOKEN],
  );
  assertAppliedOnce(engine, TOKEN, result.steps[0]?.outputs);
});

Deno.test("without a user token, the derived ClientToken is re-sent after a cut (emulator)", async () => {
  const engine = testEngine({
    emulator: { faults: "cut-after=1;times=1;actions=AllocateAddresses" },
  });
  const { result } = await engine.run(VPC());
  assert.equal(result.status, "succeeded", JSON.stringify(result.steps[0]?.error));
  const token = await clientTokenFor({ runId: "run-test", stepId: "eip" });
  assert.deepEqual(
    creates(engine).map((c) => [c.outcome, (c.params as { ClientToken?: string }).ClientToken]),
    [["cut-after", token], ["ok", token]],
  );
  assertAppliedOnce(engine, token, result.steps[0]?.outputs);
});

Deno.test("every attempt cut: failed; resuming the run sends the same token and applies nothing twice; another run is another request", async () => {
  const engine = testEngine({
    emulator: { faults: "cut-after=1;times=3;actions=AllocateAddresses" },
  });
  const first = await engine.run(VPC(), { runId: "run-cut-3" });
  assert.equal(first.result.steps[0]?.status, "failed");
  assert.equal(first.result.steps[0]?.attempts, 3);
  assert.match(
    first.result.steps[0]?.error?.message ?? "",
    /may have been applied: resuming the run sends the same ClientToken/,
  );
  const token = await clientTokenFor({ runId: "run-cut-3", stepId: "eip" });
  const resumed = await engine.run(VPC(), { runId: "run-cut-3" });
  assert.equal(resumed.result.status, "succeeded");
  assert.deepEqual(creates(engine).map((c) => c.outcome), [
    "cut-after",
    "cut-after",
    "cut-after",
    "ok",
  ]);
  assertAppliedOnce(engine, token, resumed.result.steps[0]?.outputs);
  assert.equal(
    new Set(creates(engine).map((c) => (c.params as { ClientToken?: string }).ClientToken)).size,
    1,
  );
  await engine.run(VPC(), { runId: "run-other" });
  const vpc = engine.emulator.state().vpc as { tokens: Record<string, unknown> };
  assert.equal(Object.keys(vpc.tokens).length, 2);
});

const ATTACH = (undoExtra = "") => `
tcflow: 1
name: attach
region: ap-guangzhou
steps:
  - id: attach
    action: vpc.AttachNetworkInterface
    with: { NetworkInterfaceId: eni-12345678, InstanceId: ins-12345678 }
    undo:
      action: vpc.DetachNetworkInterface
      with: { NetworkInterfaceId: eni-12345678, InstanceId: ins-12345678${undoExtra} }
`;

async function rollback(
  engine: ReturnType<typeof testEngine>,
  text: string,
  result: RunResult,
  sink = new MemorySink(),
) {
  return await rollbackWorkflow(workflowOf(text), {
    recorded: Object.fromEntries(result.steps.map((s) => [s.id, s])),
    inputs: {},
    deps: engine.deps,
    client: engine.client,
    rateLimiter: createRateLimiter({ deps: engine.deps }),
    runId: result.run_id,
    region: "ap-guangzhou",
    sink,
  });
}

function tokensOf(engine: ReturnType<typeof testEngine>, action: string) {
  return engine.emulator.calls().filter((c) => c.action === action).map((
    c,
  ) => [c.outcome, (c.params as { ClientToken?: string }).ClientToken]);
}

Deno.test("an undo's ClientToken is its own (not the create's), and is re-sent after a cut", async () => {
  const engine = testEngine({
    emulator: { faults: "cut-after=1;times=1;actions=DetachNetworkInterface" },
  });
  const { result } = await engine.run(ATTACH());
  assert.equal(result.status, "succeeded");
  const sink = new MemorySink();
  const undone = await rollback(engine, ATTACH(), result, sink);
  assert.deepEqual(undone.map((u) => [u.stepId, u.status]), [["attach", "succeeded"]]);
  const create = await clientTokenFor({ runId: "run-test", stepId: "attach" });
  const undo = await clientTokenFor({ runId: "run-test", stepId: "undo:attach" });
  assert.notEqual(create, undo);
  assert.deepEqual(tokensOf(engine, "AttachNetworkInterface"), [["ok", create]]);
  assert.deepEqual(tokensOf(engine, "DetachNetworkInterface"), [
    ["cut-after", undo],
    ["ok", undo],
  ]);
  // The journal records the request as sent, its token included (resume sends the same).
  const journaled = sink.ofType("undo-succeeded")[0]?.request as { ClientToken?: string };
  assert.equal(journaled.ClientToken, undo);
});

Deno.test("a user's own ClientToken in an undo's with: is re-sent after a cut", async () => {
  const engine = testEngine({
    emulator: { faults: "cut-after=1;times=1;actions=DetachNetworkInterface" },
  });
  const text = ATTACH(", ClientToken: my-undo-token");
  const { result } = await engine.run(text);
  const undone = await rollback(engine, text, result);
  assert.deepEqual(undone.map((u) => [u.stepId, u.status]), [["attach", "succeeded"]]);
  assert.deepEqual(tokensOf(engine, "DetachNetworkInterface"), [
    ["cut-after", "my-undo-token"],
    ["ok", "my-undo-token"],
  ]);
});

Deno.test("each until round sends its own ClientToken (a repeated token would be answered from the first round)", async () => {
  const engine = testEngine();
  const { result } = await engine.run(`
tcflow: 1
name: poll-token
region: ap-guangzhou
steps:
  - id: eip
    action: vpc.AllocateAddresses
    with: { AddressCount: 1 }
    until: \${{ false }}
    poll: { interval: 5s, timeout: 12s }
`);
  assert.equal(result.steps[0]?.error?.code, "E_POLL_TIMEOUT");
  const round = (n: number) =>
    clientTokenFor({ runId: "run-test", stepId: "eip", extra: n > 1 ? `poll-${n}` : undefined });
  assert.deepEqual(tokensOf(engine, "AllocateAddresses"), [
    ["ok", await round(1)],
    ["ok", await round(2)],
    ["ok", await round(3)],
  ]);
  assert.equal(new Set([await round(1), await round(2), await round(3)]).size, 3);
});
