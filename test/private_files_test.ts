/**
 * Files written for the user that hold a run's data are `0600` like the journal's (PRODUCT.md
 * section 13): the `.ipynb` of `tcflow ipynb` (it holds the inputs given and the paths of the
 * run) and `report --out`, also when the file was there before with a wider mode. The real CLI
 * in-process; modes are read back with stat.
 */
import assert from "node:assert/strict";
import { hasStackTrace, ROOT, runCli } from "./_cli.ts";

const WORKFLOW = `${ROOT}workflows/rocketmq-smooth-migration.yaml`;
const mode = async (path: string) => (await Deno.stat(path)).mode! & 0o777;

Deno.test("ipynb writes a 0600 notebook, also over a 0644 file; an unwritable --out is exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-ipynb-mode-" });
  try {
    const out = `${dir}/migration.ipynb`;
    const written = await runCli(["ipynb", WORKFLOW, "--out", out, "--input", "queueNum=4"]);
    assert.equal(written.code, 0, written.stderr);
    assert.equal(await mode(out), 0o600);
    assert.equal(JSON.parse(await Deno.readTextFile(out)).nbformat, 4);

    const older = `${dir}/older.ipynb`;
    await Deno.writeTextFile(older, "{}\n", { mode: 0o644 });
    await Deno.chmod(older, 0o644);
    const again = await runCli(["ipynb", WORKFLOW, "--out", older]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await mode(older), 0o600);
    assert.equal(JSON.parse(await Deno.readTextFile(older)).nbformat, 4);

    const nowhere = await runCli(["ipynb", WORKFLOW, "--out", `${dir}/missing/x.ipynb`]);
    assert.equal(nowhere.code, 2, nowhere.stderr);
    assert.match(nowhere.stderr, /ipynb: cannot write .*missing\/x\.ipynb/);
    assert.equal(hasStackTrace(nowhere.stderr), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report --out over a 0644 file leaves it 0600", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-report-mode-" });
  try {
    const state = `${dir}/state`;
    const run = await runCli(["run", WORKFLOW, "--emulator", "--json", "--state-dir", state]);
    assert.equal(run.code, 0, run.stderr);
    const runId = JSON.parse(run.stdout).run_id;
    const out = `${dir}/report.md`;
    await Deno.writeTextFile(out, "old\n", { mode: 0o644 });
    await Deno.chmod(out, 0o644);
    const report = await runCli(["report", runId, "--state-dir", state, "--out", out]);
    assert.equal(report.code, 0, report.stderr);
    assert.equal(await mode(out), 0o600);
    assert.match(await Deno.readTextFile(out), new RegExp(runId));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
