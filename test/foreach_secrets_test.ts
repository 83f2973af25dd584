/**
 * Secrets in `foreach` items: a credential an item's answer carries (an API key's secret) never
 * reaches the journal, and a resumed run that reuses such an item refuses to read the redacted
 * value (`E_REDACTED`) instead of using `***`.
 */
import assert from "node:assert/strict";
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

Deno.test("a foreach item's credential never reaches the journal; a resumed read is E_REDACTED", async () => {
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

  const resumed = await cli(fx, ["resume", JSON.parse(run.stdout).run_id, "--json", "--quiet"]);
  assert.equal(resumed.code, 1, resumed.stderr);
  const doc = JSON.parse(resumed.stdout);
  assert.equal(doc.steps[0].status, "succeeded");
  assert.equal(doc.steps[1].error.code, "E_REDACTED");
  assert.equal(keySecrets(fx).length, before + 2, "item 0 was not created again");
  const after = await journalText(fx.dir);
  for (const secret of keySecrets(fx).slice(before)) assert.equal(after.includes(secret), false);
});
