/**
 * Damaged journals and failing storage through the CLI: `runs` lists a damaged run with the
 * reason and still lists the others, `resume`/`rollback`/`report` refuse it (exit 2, nothing
 * sent), and a state dir that cannot be written is exit 3 naming the path, with the `run --json`
 * document still printed.
 */
import assert from "node:assert/strict";
import { createEmulator } from "../lib/emulator/emulator.ts";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { hasStackTrace, ROOT, runCli, runCliProcess } from "./_cli.ts";

const WORKFLOW = `${ROOT}workflows/apigateway-provisioning.yaml`;
const ENV = {
  TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
  TENCENTCLOUD_REGION: "ap-guangzhou",
};

async function twoRuns(): Promise<{ stateDir: string; ids: string[] }> {
  const stateDir = await Deno.makeTempDir({ prefix: "tcflow-damaged-cli-" });
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const run = await runCli(["run", WORKFLOW, "--emulator", "--json", "--state-dir", stateDir]);
    assert.equal(run.code, 0, run.stderr);
    ids.push(JSON.parse(run.stdout).run_id);
  }
  return { stateDir, ids };
}

/** Inserts a line of garbage before line `at` (1-based) of a run's journal. */
async function garbageAt(stateDir: string, runId: string, at: number): Promise<void> {
  const path = `${stateDir}/runs/${runId}/events.jsonl`;
  const lines = (await Deno.readTextFile(path)).split("\n");
  lines.splice(at - 1, 0, '{"type":"step-skipped","timeMs":1,"stepId":"create_service"}');
  await Deno.writeTextFile(path, lines.join("\n"));
}

Deno.test("runs: a damaged run is listed as damaged with the reason; the others still list", async () => {
  const { stateDir, ids } = await twoRuns();
  const [bad, good] = ids as [string, string];
  await garbageAt(stateDir, bad, 3); // a well-formed event, but not a checked record
  const listed = await runCli(["runs", "--json", "--state-dir", stateDir]);
  assert.equal(listed.code, 0, listed.stderr);
  const runs = JSON.parse(listed.stdout).runs as {
    run_id: string;
    status: string;
    reason?: string;
  }[];
  const byId = new Map(runs.map((r) => [r.run_id, r]));
  assert.equal(byId.get(bad)?.status, "damaged");
  assert.equal(byId.get(bad)?.reason, "events.jsonl line 3: not a journal record");
  assert.equal(byId.get(good)?.status, "succeeded");
  assert.equal(byId.get(good)?.reason, undefined);

  const table = await runCli(["runs", "--state-dir", stateDir]);
  assert.equal(table.code, 0);
  assert.match(table.stdout, new RegExp(`${bad}\\s+apigateway-provisioning\\s+damaged .*line 3`));
});

Deno.test("runs: a run directory without meta.json is listed as damaged, not hidden", async () => {
  const { stateDir, ids } = await twoRuns();
  await Deno.remove(`${stateDir}/runs/${ids[0]}/meta.json`);
  const listed = await runCli(["runs", "--json", "--state-dir", stateDir]);
  assert.equal(listed.code, 0, listed.stderr);
  const runs = JSON.parse(listed.stdout).runs as {
    run_id: string;
    status: string;
    reason?: string;
  }[];
  assert.deepEqual(runs.map((r) => [r.run_id, r.status, r.reason]), [
    [ids[0], "damaged", "meta.json is missing"],
    [ids[1], "succeeded", undefined],
  ]);
});

Deno.test("resume, rollback and report refuse a damaged run: exit 2, nothing sent", async () => {
  const { stateDir, ids } = await twoRuns();
  const bad = ids[0]!;
  const path = `${stateDir}/runs/${bad}/events.jsonl`;
  const bytes = await Deno.readFile(path);
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = bytes[middle]! ^ 0x01; // one flipped bit in the middle
  await Deno.writeFile(path, bytes);
  const emulator = createEmulator();
  for (const command of ["resume", "rollback", "report"]) {
    const connect = command === "report" ? [] : ["--endpoint-url", "http://emulator.test"];
    const result = await runCli([command, bad, "--state-dir", stateDir, ...connect], {
      env: ENV,
      deps: { fetch: emulator.handle },
    });
    assert.equal(result.code, 2, `${command}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`run ${bad} is damaged \\(events\\.jsonl line \\d+: `));
    assert.match(result.stderr, /nothing was sent/);
    assert.equal(hasStackTrace(result.stderr), false);
  }
  assert.equal(emulator.calls().length, 0);
});

Deno.test("run: an unwritable state dir is exit 3 naming the path; --json still prints", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-unwritable-" });
  await Deno.writeTextFile(`${dir}/state`, "a file where the state dir should be\n");
  const result = await runCliProcess([
    "run",
    WORKFLOW,
    "--emulator",
    "--json",
    "--state-dir",
    `${dir}/state/inner`,
  ]);
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, new RegExp(`cannot write the journal at ${dir}/state/inner/runs`));
  assert.doesNotMatch(result.stderr, /internal error/);
  assert.equal(hasStackTrace(result.stderr), false);
  const doc = JSON.parse(result.stdout);
  assert.equal(doc.status, "failed");
  assert.match(doc.run_id, /^\d{8}T\d{6}Z-/);
  assert.equal(doc.error.code, "E_STORAGE");
  assert.deepEqual(doc.steps, []); // nothing was sent
});

Deno.test("report --out writes a 0600 file", async () => {
  const { stateDir, ids } = await twoRuns();
  const out = `${stateDir}/report.md`;
  const result = await runCli(["report", ids[0]!, "--state-dir", stateDir, "--out", out]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal((await Deno.stat(out)).mode! & 0o777, 0o600);
});

Deno.test("run: a full disk mid-run is exit 3 naming the journal; --json prints what ran", async () => {
  const stateDir = await Deno.makeTempDir({ prefix: "tcflow-full-cli-" });
  const emulator = createEmulator();
  const result = await runCli(
    ["run", WORKFLOW, "--json", "--state-dir", stateDir, "--endpoint-url", "http://emulator.test"],
    {
      env: ENV,
      deps: {
        fetch: emulator.handle,
        // The events file is /dev/full: its first write (run-started) fails with ENOSPC.
        openFile: (path, options) =>
          path.endsWith("/events.jsonl")
            ? Deno.open("/dev/full", { write: true })
            : Deno.open(path, options),
      },
    },
  );
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /cannot write the journal at \S+\/events\.jsonl: No space left/);
  assert.doesNotMatch(result.stderr, /internal error/);
  const doc = JSON.parse(result.stdout);
  assert.equal(doc.status, "failed");
  assert.equal(doc.error.code, "E_STORAGE");
  assert.match(doc.error.message, /No space left on device/);
  assert.ok(doc.steps.every((s: { status: string }) => s.status === "pending"), result.stdout);
  assert.equal(emulator.calls().length, 0, "nothing is sent that the journal cannot record");
});
