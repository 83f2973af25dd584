/**
 * Redaction applies to values, never to names (issue 13): a piece of a secret (`tep`, `Top`)
 * that occurs in an output's name the author wrote (`case187`… here `step_tep`), in an API
 * field name (`Topic`), in an event type (`step-finished`) or a key of the journal's records
 * (`stepId`) leaves them as they are; the values are still `***`. Before, the run's own journal
 * records were rewritten (`s***-finished`, `s***Id`): the run failed with an internal error and
 * stayed `interrupted`, and outputs were shown under names like `ca***87`.
 */
import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";

const KEY = "xtep-Topic-9f8e7d6c";
const TARGET = "rmq-72mo3a9o";

const dir = await Deno.makeTempDir({ prefix: "tcflow-names-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const WORKFLOW = `${dir}/names.yaml`;
await Deno.writeTextFile(
  WORKFLOW,
  `tcflow: 1
name: names
region: ap-guangzhou
inputs:
  key: { type: string, secret: true }
steps:
  - id: pieces
    set:
      step_tep: \${{ inputs.key.substring(1, 4) }}
      top: \${{ inputs.key.substring(5, 8) }}
      te: \${{ inputs.key.substring(1, 3) }}
  - id: read
    action: trocket.DescribeTopicList
    with: { InstanceId: ${TARGET} }
outputs:
  step_tep: \${{ steps.pieces.outputs.step_tep }}
`,
);
const INPUTS = ["--input", `key=${KEY}`];

Deno.test("a piece of a secret in a name leaves the name alone; the run and its journal stay whole", async () => {
  const state = `${dir}/state`;
  const run = await runCli([
    "run",
    WORKFLOW,
    "--emulator",
    "--json",
    ...INPUTS,
    "--state-dir",
    state,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.status, "succeeded");
  assert.deepEqual(doc.outputs, { step_tep: "***" });
  const pieces = doc.steps.find((s: { id: string }) => s.id === "pieces");
  assert.deepEqual(pieces.outputs, { step_tep: "***", top: "***", te: "***" });
  const read = doc.steps.find((s: { id: string }) => s.id === "read");
  assert.ok(Array.isArray(read.outputs.Data), JSON.stringify(read.outputs));
  assert.ok(read.outputs.Data.every((t: Record<string, unknown>) => "Topic" in t));
  assert.ok("TotalCount" in read.outputs);

  // Every record of the journal reads back as it was written: its type and step ids intact.
  const events = (await Deno.readTextFile(`${state}/runs/${doc.run_id}/events.jsonl`)).trim()
    .split("\n").map((line) => JSON.parse(line).e);
  assert.deepEqual(
    events.map((e) => e.type),
    [
      "run-started",
      "step-started",
      "step-succeeded",
      "step-started",
      "step-succeeded",
      "run-finished",
    ],
  );
  assert.deepEqual(events.filter((e) => "stepId" in e).map((e) => e.stepId), [
    "pieces",
    "pieces",
    "read",
    "read",
  ]);
  const runs = await runCli(["runs", "--json", "--state-dir", state]);
  assert.equal(runs.code, 0, runs.stderr);
  assert.equal(JSON.parse(runs.stdout).runs[0].status, "succeeded");
  const report = await runCli(["report", doc.run_id, "--state-dir", state]);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /step_tep/);
  for (const text of [run.stdout, run.stderr, report.stdout]) {
    assert.ok(!text.includes(KEY.substring(5, 8) + "ic-"), "the secret's text is not shown");
  }
});

Deno.test("plan --json: a short piece of a secret in a set step's values is ***", async () => {
  const plan = await runCli(["plan", WORKFLOW, "--json", ...INPUTS]);
  assert.equal(plan.code, 0, plan.stderr);
  const doc = JSON.parse(plan.stdout);
  const pieces = doc.steps.find((s: { id: string }) => s.id === "pieces");
  assert.deepEqual(pieces.values, { step_tep: "***", top: "***", te: "***" });
});

Deno.test("a secret PIN in the run id's date and a secret word like 'succeeded' leave the journal whole", async () => {
  const file = `${dir}/given.yaml`;
  await Deno.writeTextFile(
    file,
    `tcflow: 1
name: given
region: ap-guangzhou
inputs:
  pin: { type: integer, secret: true }
  word: { type: string, secret: true }
steps:
  - id: succeeded_step
    set:
      positive: \${{ inputs.pin > 0 }}
      echo: \${{ inputs.word }}
`,
  );
  // The run id starts with the year: the PIN is a piece of it.
  const pin = String(new Date().getUTCFullYear());
  const state = `${dir}/given-state`;
  const run = await runCli([
    "run",
    file,
    "--emulator",
    "--json",
    "--input",
    `pin=${pin}`,
    "--input",
    "word=succeeded",
    "--state-dir",
    state,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.ok(doc.run_id.startsWith(pin), doc.run_id);
  assert.deepEqual(doc.steps[0].outputs, { positive: true, echo: "***" });
  const runs = await runCli(["runs", "--json", "--state-dir", state]);
  assert.equal(runs.code, 0, runs.stderr);
  const [listed] = JSON.parse(runs.stdout).runs;
  assert.equal(listed.status, "succeeded", JSON.stringify(listed));
  assert.equal(listed.run_id, doc.run_id);
  const events = (await Deno.readTextFile(`${state}/runs/${doc.run_id}/events.jsonl`)).trim()
    .split("\n").map((line) => JSON.parse(line).e);
  assert.equal(events[0].runId, doc.run_id);
  assert.deepEqual(events.map((e) => e.type), [
    "run-started",
    "step-started",
    "step-succeeded",
    "run-finished",
  ]);
  assert.equal(events.at(-1).status, "succeeded");
  assert.equal(events[0].inputs.word, "***");
});
