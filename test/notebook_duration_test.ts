/**
 * Durations do not count the time a notebook waited for its user (issue 16 item 5): a run made
 * in the notebook, an hour of thinking between two cells, then `runs` and `report` show the
 * time the cells took. The real CLI and journal, the in-process emulator, a clock the test moves.
 */
import assert from "node:assert/strict";
import { main } from "../lib/cli/main.ts";
import type { CliContext } from "../lib/cli/context.ts";
import { systemDeps } from "../lib/deps.ts";
import { runCli } from "./_cli.ts";

const HOUR = 3_600_000;

Deno.test("a notebook's run lasts as long as its cells, not the hour between them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-duration-" });
  await Deno.writeTextFile(
    `${dir}/two.yaml`,
    `tcflow: 1
name: two
region: ap-guangzhou
steps:
  - id: topics
    action: trocket.DescribeTopicList
    with: { InstanceId: rmq-2x9f8k1p }
  - id: count
    set:
      n: \${{ size(steps.topics.outputs.Data) }}
`,
  );
  let clock = Date.UTC(2026, 11, 5, 9);
  const chunks: Array<() => string> = [
    () => "run\n",
    () => {
      clock += HOUR; // the user thinks
      return "run\nquit\n";
    },
  ];
  let stdout = "";
  const ctx: CliContext = {
    io: {
      stdout: (text) => void (stdout += text),
      stderr: () => {},
      stdin: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next()));
        },
      }),
      isTerminal: false,
    },
    deps: { ...systemDeps(), now: () => (clock += 5) },
    env: () => undefined,
    cwd: dir,
  };
  try {
    assert.equal(await main(["notebook", "two.yaml", "--emulator"], ctx), 0, stdout);
    const runs = await runCli(["runs", "--json"], { cwd: dir });
    const [run] = JSON.parse(runs.stdout).runs as Array<{ status: string; duration_ms: number }>;
    assert.equal(run!.status, "succeeded");
    assert.ok(run!.duration_ms > 0 && run!.duration_ms < 60_000, `${run!.duration_ms} ms`);
    const id = /reopen with: tcflow notebook --run (\S+)/.exec(stdout)![1]!;
    const report = await runCli(["report", id], { cwd: dir });
    const duration = /\| Duration \| (.+?) \|/.exec(report.stdout)?.[1];
    assert.ok(duration !== undefined && !/h|min/.test(duration), `Duration ${duration}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
