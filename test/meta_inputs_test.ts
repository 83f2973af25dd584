/**
 * A run's `meta.json` records its inputs redacted as every other record is (lib/redaction.ts,
 * PRODUCT.md section 13): a secret input's value is `***` wherever it stands, a short one too
 * (`"ge"` as a non-secret input's whole value), while the names the author wrote are never
 * rewritten and a non-secret value that only looks like a key, or holds a short secret's
 * letters inside other text, is kept. Before, the meta's inputs went through the old text
 * scan: a secret of 3 characters or more rewrote input names (`tags_note` -> `***s_note`) and
 * a secret shorter than 3 was left in clear under another input.
 */
import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";
import { decodeMeta } from "../lib/journal/codec.ts";

const dir = await Deno.makeTempDir({ prefix: "tcflow-meta-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const WORKFLOW = `${dir}/meta.yaml`;
await Deno.writeTextFile(
  WORKFLOW,
  `tcflow: 1
name: meta
region: ap-guangzhou
inputs:
  pin: { type: string, secret: true }
  word: { type: string, secret: true }
  tags_note: { type: string }
  copy: { type: string }
  merge: { type: string }
  access_key_id: { type: string }
steps:
  - id: note
    set:
      note: \${{ inputs.tags_note }}
`,
);
const LOOKS_LIKE_A_KEY = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";

Deno.test("meta.json: secret inputs are *** wherever they stand; names and look-alikes are kept", async () => {
  const state = `${dir}/state`;
  const run = await runCli([
    "run",
    WORKFLOW,
    "--emulator",
    "--json",
    "--quiet",
    "--state-dir",
    state,
    "--input",
    "pin=ge",
    "--input",
    "word=tag",
    "--input",
    "tags_note=ordinary",
    "--input",
    "copy=ge",
    "--input",
    "merge=merge-window",
    "--input",
    `access_key_id=${LOOKS_LIKE_A_KEY}`,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const runId = JSON.parse(run.stdout).run_id;
  const bytes = await Deno.readFile(`${state}/runs/${runId}/meta.json`);
  const meta = decodeMeta(bytes);
  const expected = {
    pin: "***",
    word: "***",
    tags_note: "ordinary",
    copy: "***",
    merge: "merge-window",
    access_key_id: LOOKS_LIKE_A_KEY,
  };
  assert.deepEqual(meta.inputs, expected);
  assert.deepEqual(meta.secretInputNames, ["pin", "word"]);
  const text = new TextDecoder().decode(bytes);
  assert.equal(text.includes('"ge"'), false, "the short secret is nowhere a value");
  assert.equal(text.includes('"tag"'), false);
  // The same inputs as the journal's own run-started record shows (one redaction).
  const first = JSON.parse(
    (await Deno.readTextFile(`${state}/runs/${runId}/events.jsonl`)).split("\n")[0]!,
  ).e;
  assert.equal(first.type, "run-started");
  assert.deepEqual(first.inputs, expected);
});
