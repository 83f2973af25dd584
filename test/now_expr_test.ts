/**
 * `now` in expressions (PRODUCT.md section 16): a timestamp, the time the run started, the same
 * in every expression of the run; the plan shows it as `<now>`; its type is checked like any
 * other name. Through the real CLI and the emulator, with a fixed clock.
 */
import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";

const WORKFLOW = `
tcflow: 1
name: stamped
region: ap-guangzhou
steps:
  - id: stamp
    set:
      at: \${{ string(now) }}
      year: \${{ now.getFullYear() }}
      tomorrow: \${{ string(now + duration("24h")) }}
  - id: topics
    action: trocket.DescribeTopicList
    with:
      InstanceId: rmq-2x9f8k1p
      Filters:
        - Name: TopicName
          Values: ["\${{ 'backup-' + string(now.getFullYear()) }}"]
  - id: again
    set:
      same: \${{ string(now) == steps.stamp.outputs.at }}
outputs:
  at: \${{ steps.stamp.outputs.at }}
`;

const START = Date.UTC(2026, 11, 31, 23, 30);

Deno.test("now is the run's start, the same in every step; plan shows <now>", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-now-" });
  try {
    await Deno.writeTextFile(`${dir}/now.yaml`, WORKFLOW);
    let clock = START;
    const run = await runCli(["run", "now.yaml", "--emulator", "--json", "-q"], {
      cwd: dir,
      // Time moves on between steps; `now` does not.
      deps: { now: () => (clock += 1_000) },
    });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    const at = result.outputs.at as string;
    assert.ok(Date.parse(at) >= START && Date.parse(at) < START + 10_000, at);
    const [stamp, , again] = result.steps;
    assert.equal(stamp.outputs.year, 2026);
    assert.equal(Date.parse(stamp.outputs.tomorrow) - Date.parse(at), 86_400_000);
    assert.equal(again.outputs.same, true);

    const plan = await runCli(["plan", "now.yaml", "--json"], { cwd: dir });
    assert.equal(plan.code, 0, plan.stderr);
    const planned = JSON.parse(plan.stdout);
    assert.deepEqual(planned.steps[1].requests[0].Filters[0].Values, [
      "<'backup-' + string(now.getFullYear())>",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("now is a timestamp to the type checker: a string parameter needs string(now)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-now-" });
  try {
    await Deno.writeTextFile(
      `${dir}/bad.yaml`,
      WORKFLOW.replace(
        "Values: [\"${{ 'backup-' + string(now.getFullYear()) }}\"]",
        'Values: ["${{ now }}"]',
      )
        .replace("year: ${{ now.getFullYear() }}", "year: ${{ now + 1 }}"),
    );
    const out = await runCli(["validate", "bad.yaml", "--json"], { cwd: dir });
    assert.equal(out.code, 2, out.stderr);
    const { diagnostics } = JSON.parse(out.stdout) as {
      diagnostics: Array<{ code: string; message: string; line: number }>;
    };
    assert.deepEqual(diagnostics.map((d) => [d.code, d.line]), [["E_TYPE", 9], ["E_TYPE", 17]]);
    assert.match(diagnostics[1]!.message, /got an expression of type timestamp/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
