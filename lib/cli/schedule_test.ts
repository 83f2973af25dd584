import assert from "node:assert/strict";
import { createEmulator, DEMO_CREDENTIAL } from "../emulator/emulator.ts";
import { createVirtualClock } from "../engine/virtual_clock.ts";
import { systemDeps } from "../deps.ts";
import { FileJournalStore } from "../journal/file_store.ts";
import type { CliContext } from "./context.ts";
import { main } from "./main.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const AUDIT = `${ROOT}workflows/nightly-audit.yaml`;
const ENV: Record<string, string> = {
  TENCENTCLOUD_SECRET_ID: DEMO_CREDENTIAL.secretId,
  TENCENTCLOUD_SECRET_KEY: DEMO_CREDENTIAL.secretKey,
};

/**
 * `tcflow schedule` in-process on a virtual clock, against an in-process emulator. Time stands
 * still while a scheduled run is under way (from its `fire` line to its `finish` line) and
 * while the emulator answers, so the runs take no virtual time and the log is exact.
 */
async function schedule(args: string[], startIso: string) {
  const clock = createVirtualClock({
    startMs: Date.parse(startIso),
    tickDelayMs: 1,
    settleTicks: 3,
  });
  const emulator = createEmulator({ now: clock.now });
  const fetch = async (request: Request) => {
    clock.hold();
    try {
      const response = await emulator.handle(request);
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, headers: response.headers });
    } finally {
      clock.release();
    }
  };
  const dir = await Deno.makeTempDir({ prefix: "tcflow-schedule-" });
  let stdout = "";
  let stderr = "";
  const ctx: CliContext = {
    io: {
      stdout: (text) => void (stdout += text),
      stderr: (text) => {
        stderr += text;
        for (const line of text.split("\n")) {
          if (/^\S+ fire /.test(line)) clock.hold();
          if (/^\S+ finish /.test(line)) clock.release();
        }
      },
      isTerminal: false,
    },
    deps: { ...systemDeps(), now: clock.now, sleep: clock.sleep, fetch },
    env: (name) => ENV[name],
    cwd: dir,
  };
  const code = await main([
    "schedule",
    ...args,
    "--state-dir",
    `${dir}/state`,
    "--endpoint-url",
    "http://emulator.test",
  ], ctx);
  const log = stderr.split("\n").filter((line) => /^\d{4}-/.test(line));
  return { code, stdout, stderr, log, dir, emulator };
}

Deno.test("schedule fires the nightly audit at 03:00 UTC each day, each run journaled", async () => {
  const out = await schedule(
    [AUDIT, "--until", "2026-11-25T12:00:00Z", "--quiet"],
    "2026-11-23T02:58:00Z",
  );
  assert.equal(out.code, 0, out.stderr);
  const lines = out.log.map((line) =>
    line.replace(/ run \S+ /, " run ID ").replace(/ in \S+$/, "")
  );
  assert.deepEqual(lines, [
    `2026-11-23T02:58:00Z schedule nightly-audit (${AUDIT}): "0 3 * * *" UTC`,
    "2026-11-23T03:00:00Z fire nightly-audit (due 03:00)",
    "2026-11-23T03:00:00Z finish nightly-audit run ID succeeded",
    "2026-11-24T03:00:00Z fire nightly-audit (due 03:00)",
    "2026-11-24T03:00:00Z finish nightly-audit run ID succeeded",
    "2026-11-25T03:00:00Z fire nightly-audit (due 03:00)",
    "2026-11-25T03:00:00Z finish nightly-audit run ID succeeded",
    "2026-11-25T12:00:00Z schedule ended: 3 fired, 0 skipped, 3 succeeded, 0 failed",
  ]);
  const runs = await new FileJournalStore(`${out.dir}/state`).list();
  assert.deepEqual(
    runs.map((r) => [r.workflow, r.status, new Date(r.startedMs).toISOString()]),
    [
      ["nightly-audit", "succeeded", "2026-11-23T03:00:00.000Z"],
      ["nightly-audit", "succeeded", "2026-11-24T03:00:00.000Z"],
      ["nightly-audit", "succeeded", "2026-11-25T03:00:00.000Z"],
    ],
  );
  const ids = out.log.flatMap((line) => / run (\S+) /.exec(line)?.[1] ?? []);
  assert.deepEqual(ids, runs.map((r) => r.runId), "the log names the journaled runs");
  assert.equal(
    out.emulator.calls().filter((c) => c.action === "DescribeOpenPorts").length > 0,
    true,
  );
  assert.equal(out.stderr.includes(DEMO_CREDENTIAL.secretKey), false);
});

Deno.test("schedule --once fires what is due now; a directory leaves out unscheduled files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-schedule-dir-" });
  await Deno.copyFile(AUDIT, `${dir}/audit.yaml`);
  await Deno.copyFile(`${ROOT}workflows/apigateway-provisioning.yaml`, `${dir}/provision.yml`);
  const due = await schedule([dir, "--once"], "2026-11-23T03:00:20Z");
  assert.equal(due.code, 0, due.stderr);
  assert.match(due.stderr, /note: .*provision\.yml has no schedule:, left out/);
  assert.match(due.stderr, /fire nightly-audit \(due 03:00\)/);
  assert.match(due.stderr, / {2}\[nightly-audit\] journal: /, "the run's own progress, prefixed");
  assert.match(due.stderr, /schedule ended: 1 fired, 0 skipped, 1 succeeded, 0 failed/);
  const notDue = await schedule([dir, "--once"], "2026-11-23T03:01:00Z");
  assert.equal(notDue.code, 0);
  assert.match(notDue.stderr, /schedule ended: 0 fired/);
  assert.deepEqual(notDue.emulator.calls(), []);
});

Deno.test("schedule: a failed run that rollback: on_failure undid finishes rolled_back", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-schedule-undo-" });
  const file = `${dir}/undone.yaml`;
  await Deno.writeTextFile(
    file,
    [
      "tcflow: 1",
      "name: undone",
      "region: ap-guangzhou",
      'schedule: "0 * * * *"',
      "rollback: on_failure",
      "steps:",
      "  - id: plan",
      "    action: apigateway.CreateUsagePlan",
      "    with: { UsagePlanName: hourly }",
      "    undo:",
      "      action: apigateway.DeleteUsagePlan",
      '      with: { UsagePlanId: "${{ steps.plan.outputs.Result.UsagePlanId }}" }',
      "  - id: never",
      "    assert: ${{ 1 == 2 }}",
      "    message: always false",
    ].join("\n"),
  );
  const ran = await schedule([file, "--once", "--quiet"], "2026-11-23T10:00:00Z");
  assert.equal(ran.code, 1, ran.stderr);
  assert.match(
    ran.stderr,
    /finish undone run \S+ rolled_back in \S+: step never failed \(E_ASSERT/,
  );
  const calls = ran.emulator.calls().map((c) => c.action);
  assert.deepEqual(calls, ["CreateUsagePlan", "DeleteUsagePlan"]);
});

Deno.test("schedule: a failing run makes exit 1; a bad cron or a file without schedule: exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-schedule-bad-" });
  const failing = `${dir}/failing.yaml`;
  await Deno.writeTextFile(
    failing,
    [
      "tcflow: 1",
      "name: failing",
      'schedule: "*/30 * * * *"',
      "steps:",
      "  - id: never",
      "    assert: ${{ 1 == 2 }}",
      "    message: always false",
    ].join("\n"),
  );
  const failed = await schedule(
    [failing, "--until", "2026-11-23T11:00:00Z", "--quiet"],
    "2026-11-23T10:00:00Z",
  );
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stderr, /finish failing run \S+ failed in \S+: step never failed \(E_ASSERT/);
  assert.match(failed.stderr, /schedule ended: 3 fired, 0 skipped, 0 succeeded, 3 failed/);

  const bad = `${dir}/bad.yaml`;
  await Deno.writeTextFile(
    bad,
    (await Deno.readTextFile(AUDIT)).replace('"0 3 * * *"', '"61 3 * * *"'),
  );
  const badCron = await schedule([bad, "--once"], "2026-11-23T03:00:00Z");
  assert.equal(badCron.code, 2);
  assert.match(badCron.stderr, /E_CRON/);
  assert.match(badCron.stderr, /61 is out of range 0-59/);
  assert.match(badCron.stderr, /nothing was scheduled/);

  const plain = await schedule(
    [`${ROOT}workflows/apigateway-provisioning.yaml`],
    "2026-11-23T03:00:00Z",
  );
  assert.equal(plain.code, 2);
  assert.match(plain.stderr, /has no schedule:/);
  const until = await schedule([AUDIT, "--until", "tomorrow"], "2026-11-23T03:00:00Z");
  assert.equal(until.code, 2);
  assert.match(until.stderr, /--until must be an ISO time/);
});

Deno.test("schedule --list shows each workflow's next fires and runs nothing", async () => {
  const listed = await schedule([AUDIT, "--list"], "2026-11-23T10:00:30Z");
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^nightly-audit \(\S*nightly-audit\.yaml\): "0 3 \* \* \*" UTC\n/);
  assert.deepEqual(listed.stdout.split("\n").slice(1, 6), [
    "  2026-11-24T03:00:00Z",
    "  2026-11-25T03:00:00Z",
    "  2026-11-26T03:00:00Z",
    "  2026-11-27T03:00:00Z",
    "  2026-11-28T03:00:00Z",
  ]);
  assert.equal(listed.emulator.calls().length, 0, "nothing ran");

  const json = await schedule([AUDIT, "--list", "--json"], "2026-11-24T03:00:00Z");
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.workflows.length, 1);
  assert.equal(doc.workflows[0].schedule, "0 3 * * *");
  assert.equal(doc.workflows[0].timezone, "UTC");
  assert.equal(doc.workflows[0].next[0], "2026-11-25T03:00:00Z", "strictly after now");

  const bad = await schedule([AUDIT, "--list", "--once"], "2026-11-24T03:00:00Z");
  assert.equal(bad.code, 2);
  const noList = await schedule([AUDIT, "--json", "--once"], "2026-11-24T03:00:00Z");
  assert.equal(noList.code, 2);
  assert.match(noList.stderr, /--json is only for --list/);
});

Deno.test("schedule: timezone: fires on the zone's clock; an unknown zone is E_TIMEZONE, exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-schedule-tz-" });
  const file = `${dir}/shanghai.yaml`;
  const audit = await Deno.readTextFile(AUDIT);
  await Deno.writeTextFile(
    file,
    audit.replace('schedule: "0 3 * * *"', 'schedule: "0 3 * * *"\ntimezone: Asia/Shanghai'),
  );
  const listed = await schedule([file, "--list", "--json"], "2026-11-23T10:00:30Z");
  assert.equal(listed.code, 0, listed.stderr);
  const [w] = JSON.parse(listed.stdout).workflows;
  assert.equal(w.timezone, "Asia/Shanghai");
  assert.deepEqual(w.next.slice(0, 2), ["2026-11-23T19:00:00Z", "2026-11-24T19:00:00Z"]);

  const fired = await schedule([file, "--until", "2026-11-23T20:00:00Z"], "2026-11-23T18:58:00Z");
  assert.equal(fired.code, 0, fired.stderr);
  assert.match(fired.stderr, /"0 3 \* \* \*" Asia\/Shanghai/);
  assert.match(fired.stderr, /2026-11-23T19:00:00Z fire nightly-audit \(due 19:00\)/);

  await Deno.writeTextFile(
    file,
    audit.replace('schedule: "0 3 * * *"', 'schedule: "0 3 * * *"\ntimezone: Mars/Olympus'),
  );
  const bad = await schedule([file, "--list"], "2026-11-23T10:00:00Z");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /E_TIMEZONE[\s\S]*Mars\/Olympus/);
});
