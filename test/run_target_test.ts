/**
 * A run remembers where it ran (PRODUCT.md section 16): `--emulator` / `--endpoint-url` are
 * recorded in the run's meta (never credentials), `rollback`, `resume` and `notebook --run` go
 * there without repeating the flags, and the in-process emulator's state is kept in the state
 * dir between commands (mode 0600 in a 0700 directory), cleared by `emulator --reset-state`.
 * The real CLI, journal files and emulator (in-process, and served over HTTP).
 */
import assert from "node:assert/strict";
import { serveEmulator } from "../lib/emulator/server.ts";
import { DEMO_CREDENTIAL } from "../lib/emulator/emulator.ts";
import { main } from "../lib/cli/main.ts";
import { systemDeps } from "../lib/deps.ts";
import { runCli } from "./_cli.ts";

const PLAN = `
tcflow: 1
name: plan
region: ap-guangzhou
inputs:
  name: { type: string, default: p0 }
steps:
  - id: plan
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: "\${{ inputs.name }}" }
    undo:
      action: apigateway.DeleteUsagePlan
      with: { UsagePlanId: "\${{ steps.plan.outputs.Result.UsagePlanId }}" }
  - id: check
    assert: \${{ inputs.name != "fail" }}
    message: asked to fail
`;

async function project(): Promise<{ dir: string; cli: typeof runCli }> {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-target-" });
  await Deno.writeTextFile(`${dir}/plan.yaml`, PLAN);
  const cli: typeof runCli = (args, options = {}) => runCli(args, { cwd: dir, ...options });
  return { dir, cli };
}

type SavedPlans = { state: { apigateway: { usagePlans: Array<{ UsagePlanName: string }> } } };

async function savedPlans(dir: string): Promise<string[]> {
  const saved = JSON.parse(await Deno.readTextFile(`${dir}/.tcflow/emulator/state.json`));
  return (saved as SavedPlans).state.apigateway.usagePlans.map((p) => p.UsagePlanName);
}

async function meta(dir: string, runId: string): Promise<Record<string, unknown>> {
  const text = await Deno.readTextFile(`${dir}/.tcflow/runs/${runId}/meta.json`);
  return JSON.parse(text).meta;
}

Deno.test("an --emulator run's resources are there for the next command; rollback finds them without flags", async () => {
  const { dir, cli } = await project();
  try {
    const first = await cli(["run", "plan.yaml", "--emulator", "--json", "-q"]);
    assert.equal(first.code, 0, first.stderr);
    const runId = JSON.parse(first.stdout).run_id;
    assert.deepEqual((await meta(dir, runId)).target, { emulator: true });
    assert.deepEqual(await savedPlans(dir), ["p0"]);
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(`${dir}/.tcflow/emulator/state.json`)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(`${dir}/.tcflow/emulator`)).mode! & 0o777, 0o700);
    }

    const second = await cli(["run", "plan.yaml", "--emulator", "--input", "name=p1", "--json"]);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(await savedPlans(dir), ["p0", "p1"], "the first run's plan is still there");
    const ids = [first, second].map((r) =>
      JSON.parse(r.stdout).steps[0].outputs.Result.UsagePlanId
    );
    assert.notEqual(ids[0], ids[1], "a later command draws new ids");

    // No --emulator: the run recorded it (without it the rollback went to the real cloud).
    const rolled = await cli(["rollback", runId, "--json"]);
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.equal(JSON.parse(rolled.stdout).status, "rolled_back");
    assert.deepEqual(await savedPlans(dir), ["p1"], "the rollback deleted the first run's plan");
    // The report no longer reads succeeded above the deleted plan's id; the assert stays.
    const markdown = (await cli(["report", runId])).stdout;
    assert.match(markdown, /^### 1\. `plan`: ↩ rolled_back$/m);
    assert.match(markdown, /^\*\*Response \(outputs\), undone since\*\*$/m);
    assert.match(markdown, /^### 2\. `check`: ✓ succeeded$/m);
    assert.match(markdown, /^\| Steps \| 1 succeeded, 1 rolled_back \|$/m);
    const listed = JSON.parse((await cli(["runs", "--json"])).stdout).runs;
    const row = listed.find((r: { run_id?: string; runId?: string }) =>
      (r.run_id ?? r.runId) === runId
    );
    assert.deepEqual(row?.steps, { rolled_back: 1, succeeded: 1 });
    const html = (await cli(["report", runId, "--html"])).stdout;
    assert.match(html, /<code>plan<\/code> <span class="badge rolled_back">rolled_back<\/span>/);

    const reset = await cli(["emulator", "--reset-state"]);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stderr, /cleared the emulator state/);
    await assert.rejects(Deno.stat(`${dir}/.tcflow/emulator/state.json`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resume and rollback of an --endpoint-url run go to that endpoint; no credential is recorded", async () => {
  const { dir, cli } = await project();
  const server = await serveEmulator({ port: 0 });
  const env = {
    TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
    TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
  };
  try {
    const url = new URL(server.url);
    url.username = "user";
    url.password = "hunter2";
    const run = await cli(
      ["run", "plan.yaml", "--endpoint-url", url.href, "--input", "name=fail", "--json", "-q"],
      { env },
    );
    assert.equal(run.code, 1, run.stderr);
    const runId = JSON.parse(run.stdout).run_id;
    const recorded = await Deno.readTextFile(`${dir}/.tcflow/runs/${runId}/meta.json`);
    assert.ok(!recorded.includes("hunter2"), "the URL's password is not recorded");
    assert.ok(!recorded.includes(DEMO_CREDENTIAL.secretKey));
    assert.deepEqual((await meta(dir, runId)).target, { endpointUrl: new URL(server.url).href });

    // resume: the failed assert fails again, at the recorded endpoint (no call, no exit 3).
    const resumed = await cli(["resume", runId, "--json"], { env });
    assert.equal(resumed.code, 1, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).steps.at(-1).error.message, "asked to fail");

    const rolled = await cli(["rollback", runId, "--json"], { env });
    assert.equal(rolled.code, 0, rolled.stderr);
    const deletes = server.emulator.calls().filter((c) => c.action === "DeleteUsagePlan");
    assert.equal(deletes.length, 1, "the undo reached the recorded endpoint");
    assert.equal(deletes[0]!.outcome, "ok");
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("notebook --run of an --emulator notebook keeps its target and the emulator's state", async () => {
  const { dir } = await project();
  const notebook = async (args: string[], stdin: string) => {
    let stdout = "";
    let stderr = "";
    const code = await main(["notebook", ...args], {
      io: {
        stdout: (text) => void (stdout += text),
        stderr: (text) => void (stderr += text),
        stdin: ReadableStream.from([new TextEncoder().encode(stdin)]),
        isTerminal: false,
      },
      deps: systemDeps(),
      env: () => undefined,
      cwd: dir,
    });
    return { code, stdout, stderr };
  };
  try {
    const first = await notebook(["plan.yaml", "--emulator"], "run\nquit\n");
    assert.equal(first.code, 0, first.stderr);
    const runId = /reopen with: tcflow notebook --run (\S+)/.exec(first.stdout)?.[1];
    assert.ok(runId, first.stdout);
    assert.deepEqual((await meta(dir, runId)).target, { emulator: true });
    assert.deepEqual(await savedPlans(dir), ["p0"]);

    // Reopened without --emulator: no credentials are needed, the cells go on in the emulator.
    const second = await notebook(["--run", runId], "run\nquit\n");
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /✓ check/);
    const rolled = await runCli(["rollback", runId], { cwd: dir });
    assert.equal(rolled.code, 0, rolled.stderr);
    assert.deepEqual(await savedPlans(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
