/**
 * Secrets in `foreach` items: a credential an item's answer carries (an API key's secret) never
 * reaches the journal in clear; the item's outputs are journaled sealed (as a step's are), so a
 * resumed run with the same secrets reuses the real value, never `***`; a seal of an earlier
 * try is dropped by a later finish of the item.
 */
import assert from "node:assert/strict";
import type { RunEvent } from "../lib/journal/events.ts";
import { replay, resumeState } from "../lib/journal/replay.ts";
import { cli, fixture } from "./_journal_fixture.ts";

const KEYS = `
tcflow: 1
name: keys
region: ap-guangzhou
steps:
  - id: keys
    action: apigateway.CreateApiKey
    foreach: \${{ ["k0", "k1"] }}
    concurrency: 1
    with: { SecretName: "\${{ item }}" }
  - id: check
    set:
      usable: \${{ size(steps.keys.outputs[0].Result.AccessKeySecret) == 40 }}
`;

const keySecrets = (fx: Awaited<ReturnType<typeof fixture>>) =>
  (fx.emulator.state() as { apigateway: { apiKeys: Array<{ AccessKeySecret: string }> } })
    .apigateway.apiKeys.map((k) => k.AccessKeySecret).filter((s) => s.length >= 20);

async function journalText(dir: string): Promise<string> {
  let text = "";
  for await (const entry of Deno.readDir(`${dir}/.tcflow/runs`)) {
    if (!entry.isDirectory) continue;
    for await (const file of Deno.readDir(`${dir}/.tcflow/runs/${entry.name}`)) {
      if (file.isFile) {
        text += await Deno.readTextFile(`${dir}/.tcflow/runs/${entry.name}/${file.name}`);
      }
    }
  }
  return text;
}

Deno.test("a foreach item's credential never reaches the journal; resume opens its seal", async () => {
  const fx = await fixture();
  await Deno.writeTextFile(`${fx.dir}/keys.yaml`, KEYS);
  fx.emulator.setFaults("rate=1;codes=InvalidParameter;actions=CreateApiKey;skip=1;times=1", 1);
  const before = keySecrets(fx).length;
  const run = await cli(fx, ["run", "keys.yaml", "--json", "--quiet"]);
  assert.equal(run.code, 1, run.stderr);
  const created = keySecrets(fx).slice(before);
  assert.equal(created.length, 1);
  const journal = await journalText(fx.dir);
  assert.ok(journal.includes("item-finished"));
  for (const secret of created) assert.equal(journal.includes(secret), false, "secret in journal");

  assert.match(journal, /"type":"item-finished"[^\n]*"sealed":\{"iv"/, "item 0 is sealed");

  const resumed = await cli(fx, ["resume", JSON.parse(run.stdout).run_id, "--json", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const doc = JSON.parse(resumed.stdout);
  assert.equal(doc.steps[0].status, "succeeded");
  // The check read item 0's real secret (40 characters), not `***` (was E_REDACTED).
  assert.deepEqual(doc.steps[1].outputs, { usable: true });
  assert.equal(keySecrets(fx).length, before + 2, "item 0 was not created again");
  const after = await journalText(fx.dir);
  for (const secret of keySecrets(fx).slice(before)) assert.equal(after.includes(secret), false);
});

Deno.test("a later finish of an item without a seal drops the seal of its earlier try", () => {
  const finished = (status: "succeeded" | "failed", sealed?: { iv: string; data: string }) =>
    ({
      type: "item-finished",
      timeMs: 1,
      stepId: "keys",
      index: 0,
      status,
      attempts: 1,
      requests: [],
      outputs: status === "succeeded" ? { Result: { AccessKeySecret: "***" } } : null,
      ...(sealed !== undefined ? { sealed } : {}),
    }) as RunEvent;
  const start: RunEvent[] = [
    {
      type: "run-started",
      timeMs: 0,
      runId: "r",
      workflow: "keys",
      file: "keys.yaml",
      inputs: {},
      stepIds: ["keys"],
    },
    { type: "step-started", timeMs: 0, stepId: "keys", kind: "action" } as RunEvent,
  ];
  const seal = { iv: "aXYxMjM0NTY3ODkw", data: "ZGF0YQ" };
  const sealedOf = (events: RunEvent[]) =>
    resumeState(replay(events)).items.get("keys")?.find((item) => item.index === 0)?.sealed;
  assert.deepEqual(sealedOf([...start, finished("succeeded", seal)]), seal);
  assert.equal(sealedOf([...start, finished("succeeded", seal), finished("failed")]), undefined);
});
