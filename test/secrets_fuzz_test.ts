/**
 * The secrets fuzz, small: 200 seeded expressions over a secret string and a secret integer
 * through the real CLI and the emulator, every output searched (see `test/_secrets_fuzz.ts` for
 * what a leak is). `deno task proof:secrets` runs 10,000.
 */
import assert from "node:assert/strict";
import { secretBatches } from "./_secrets_fuzz.ts";
import { runSecretBatch } from "./_secrets_fuzz_run.ts";

Deno.test("secrets fuzz: 200 derived values, 0 leaks in stdout, --json, journal, reports, errors", async () => {
  let cases = 0;
  let placements = 0;
  const leaks: string[] = [];
  for (const batch of secretBatches(20261204, 2, 100)) {
    const dir = await Deno.makeTempDir({ prefix: "tcflow-secrets-fuzz-" });
    try {
      const outcome = await runSecretBatch(batch, dir);
      cases += outcome.cases;
      placements += outcome.placements;
      leaks.push(...outcome.leaks);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  assert.deepEqual(leaks, []);
  assert.equal(cases, 200);
  assert.ok(placements > 400, `only ${placements} placements checked`);
});

Deno.test("secrets fuzz: the search finds a value shown in clear (it can fail)", async () => {
  const [batch] = secretBatches(7, 1, 20);
  // A workflow that shows the secret key's characters: not as an expression of it (which would
  // be redacted), but as a literal the leak search does not know is the author's.
  const leaky = {
    ...batch!,
    workflow: batch!.workflow.replace("inputs.key", JSON.stringify(batch!.key)),
  };
  const dir = await Deno.makeTempDir({ prefix: "tcflow-secrets-fuzz-" });
  try {
    const outcome = await runSecretBatch(leaky, dir);
    assert.ok(outcome.leaks.length > 0, "no leak found in a workflow that prints the key");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
