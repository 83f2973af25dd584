/**
 * A schedule's `on_failure:` hook (PRODUCT.md section 16): when a scheduled run fails, the run
 * summary is POSTed as JSON to a webhook (a real HTTP server on loopback here) or given to a
 * command on stdin, retried with backoff; a hook that keeps failing is logged and the
 * scheduler goes on. Through the CLI (`tcflow schedule --once`) and the in-process emulator.
 */
import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";

const FAILING = (hook: string) => `
tcflow: 1
name: nightly-check
region: ap-guangzhou
schedule: "* * * * *"
${hook}
steps:
  - id: topics
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-2x9f8k1p }
  - id: enough
    assert: \${{ steps.topics.outputs.TotalCount > 1000 }}
    message: too few topics
`;

/** A webhook that answers 500 to the first `failures` POSTs, then 204; records every body. */
function webhook(failures: number) {
  const bodies: unknown[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    bodies.push(await req.json());
    return new Response(null, { status: bodies.length <= failures ? 500 : 204 });
  });
  const url = `http://127.0.0.1:${server.addr.port}/hooks/T0KEN-in-path`;
  return { url, bodies, close: () => server.shutdown() };
}

async function project(workflow: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-hook-" });
  await Deno.writeTextFile(`${dir}/check.yaml`, workflow);
  return dir;
}

Deno.test("on_failure webhook: a failed scheduled run's summary is POSTed, retried until it is taken", async () => {
  const hook = webhook(2);
  const dir = await project(
    FAILING(`on_failure: { webhook: ${hook.url}, retries: 3, backoff: 10ms }`),
  );
  try {
    const out = await runCli(["schedule", "check.yaml", "--once", "--emulator", "--quiet"], {
      cwd: dir,
    });
    assert.equal(out.code, 1, out.stderr); // the run failed
    assert.equal(hook.bodies.length, 3); // 500, 500, then taken
    const summary = hook.bodies[2] as Record<string, unknown>;
    assert.equal(summary.event, "tcflow.schedule.run-failed");
    assert.equal(summary.workflow, "nightly-check");
    assert.equal(summary.file, "check.yaml");
    assert.equal(summary.status, "failed");
    assert.match(String(summary.run_id), /^\d{8}T\d{6}Z-/);
    assert.match(String(summary.detail), /step enough failed/);
    assert.deepEqual(
      (summary.steps as Array<{ id: string; status: string }>).map((s) => [s.id, s.status]),
      [["topics", "succeeded"], ["enough", "failed"]],
    );
    assert.match(String(summary.scheduled_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    assert.deepEqual(hook.bodies[0], summary); // the same summary each time
    const origin = new URL(hook.url).origin;
    assert.match(
      out.stderr,
      new RegExp(`on_failure nightly-check: webhook ${origin} told \\(3 attempts\\)`),
    );
    assert.doesNotMatch(out.stderr, /T0KEN/); // the URL's path may hold a token: never logged
    // The run is journaled like any other: `tcflow report` finds it.
    const report = await runCli(["report", String(summary.run_id)], { cwd: dir });
    assert.equal(report.code, 0, report.stderr);
  } finally {
    await hook.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("on_failure webhook that keeps failing is logged, never fatal; a run that succeeds tells nobody", async () => {
  const hook = webhook(100);
  const dir = await project(
    FAILING(`on_failure: { webhook: ${hook.url}, retries: 1, backoff: 0s }`),
  );
  try {
    const out = await runCli(["schedule", "check.yaml", "--once", "--emulator", "--quiet"], {
      cwd: dir,
    });
    assert.equal(out.code, 1, out.stderr);
    assert.equal(hook.bodies.length, 2);
    assert.match(
      out.stderr,
      /on_failure nightly-check: webhook \S+ failed after 2 attempts: HTTP 500/,
    );
    assert.match(out.stderr, /schedule ended: 1 fired, 0 skipped, 0 succeeded, 1 failed/);

    await Deno.writeTextFile(
      `${dir}/check.yaml`,
      FAILING(`on_failure: ${hook.url}`).replace("> 1000", ">= 0"),
    );
    const ok = await runCli(["schedule", "check.yaml", "--once", "--emulator", "--quiet"], {
      cwd: dir,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(hook.bodies.length, 2); // nothing more
  } finally {
    await hook.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("on_failure command: the summary on its stdin", async () => {
  const dir = await project("");
  const out = `${dir}/told.json`;
  await Deno.writeTextFile(
    `${dir}/check.yaml`,
    FAILING(`on_failure: { command: [sh, -c, 'cat > "$0"', ${JSON.stringify(out)}] }`),
  );
  try {
    const run = await runCli(["schedule", "check.yaml", "--once", "--emulator", "--quiet"], {
      cwd: dir,
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /on_failure nightly-check: command sh told \(1 attempt\)/);
    const summary = JSON.parse(await Deno.readTextFile(out));
    assert.equal(summary.workflow, "nightly-check");
    assert.equal(summary.status, "failed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("on_failure is checked at validation: its shape, http(s) only, only beside schedule:", async () => {
  const dir = await project("");
  try {
    const cases: Array<[string, RegExp]> = [
      ["on_failure: ftp://x", /webhook must be an http\(s\) URL/],
      [
        "on_failure: { webhook: https://a.example, command: [x] }",
        /needs one of `webhook: URL` or `command/,
      ],
      ["on_failure: { command: [] }", /`on_failure.command` is a list of strings/],
      [
        "on_failure: { webhook: https://a.example, retries: 99 }",
        /retries` must be between 0 and 10/,
      ],
      ["on_failure: { webhook: https://a.example, backof: 1s }", /did you mean `backoff`/],
    ];
    for (const [hook, message] of cases) {
      await Deno.writeTextFile(`${dir}/bad.yaml`, FAILING(hook));
      const out = await runCli(["validate", "bad.yaml"], { cwd: dir });
      assert.equal(out.code, 2, hook);
      assert.match(out.stdout, /bad\.yaml:6:\d+/, hook); // file:line:column
      assert.match(out.stdout, message, hook);
    }
    await Deno.writeTextFile(
      `${dir}/bad.yaml`,
      FAILING("on_failure: https://a.example").replace('schedule: "* * * * *"\n', ""),
    );
    const unscheduled = await runCli(["validate", "bad.yaml"], { cwd: dir });
    assert.equal(unscheduled.code, 2);
    assert.match(unscheduled.stdout, /`on_failure` is for scheduled runs/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
