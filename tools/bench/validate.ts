/**
 * Benchmark: validating a generated workflow of N steps (parse + type-check against the
 * catalog), in a fresh process so memory figures are the run's own. Prints one JSON line:
 * `{steps, bytes, ms, heapMB, rssMB, diagnostics}`.
 *
 * Run: `deno run --allow-read --allow-env tools/bench/validate.ts 5000`; with `hostile` instead
 * of a number it prints `{oversizedMs, aliasBombMs}`: the time to refuse a file over 2 MB and a
 * billion-laughs alias bomb.
 *
 * @module
 */
import { loadWorkflowText } from "../../lib/workflow/load.ts";
import { MAX_SOURCE_BYTES } from "../../lib/workflow/parse.ts";

/** A workflow just over the 2 MB source limit (comment padding): refused before parsing. */
export function oversizedWorkflow(): string {
  const line = "# padding padding padding padding padding padding padding padding padding\n";
  return "tcflow: 1\nname: huge\nsteps: []\n" +
    line.repeat(Math.ceil(MAX_SOURCE_BYTES / line.length) + 10);
}

/** A billion-laughs alias bomb under real keys: 9^12 nodes if aliases were expanded. */
export function aliasBomb(): string {
  let anchors = "  - id: a0\n    set: { v: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol] }\n";
  for (let i = 1; i < 12; i++) {
    anchors += `  - id: a${i}\n    set: { v: &a${i} [${
      Array(9).fill(`*a${i - 1}`).join(", ")
    }] }\n`;
  }
  return `tcflow: 1\nname: bomb\nsteps:\n${anchors}`;
}

/** Milliseconds to refuse each hostile input (the oversized file, the alias bomb). */
export function benchHostile(): { oversizedMs: number; aliasBombMs: number } {
  const time = (source: string) => {
    const start = performance.now();
    loadWorkflowText(source, "hostile.yaml");
    return Math.round((performance.now() - start) * 10) / 10;
  };
  return { oversizedMs: time(oversizedWorkflow()), aliasBombMs: time(aliasBomb()) };
}

/**
 * A valid workflow of `steps` steps mixing every step kind: trocket and apigateway calls with
 * expressions referring to earlier steps, `foreach`, `paginate`, `set` and `assert`.
 */
export function generateWorkflow(steps: number): string {
  const lines = [
    "tcflow: 1",
    `name: bench-${steps}`,
    "region: ap-guangzhou",
    "inputs:",
    "  instanceId: { type: string, default: rmq-72mo3a9o }",
    "  topics: { type: list, default: [a, b, c] }",
    "steps:",
  ];
  for (let i = 0; i < steps; i++) {
    switch (i % 4) {
      case 0:
        lines.push(
          `  - id: s${i}`,
          "    action: trocket.DescribeTopicList",
          '    with: { InstanceId: "${{ inputs.instanceId }}", Limit: 20 }',
          "    paginate: true",
        );
        break;
      case 1:
        lines.push(
          `  - id: s${i}`,
          "    action: trocket.CreateTopic",
          "    foreach: ${{ inputs.topics }}",
          "    with:",
          "      InstanceId: ${{ inputs.instanceId }}",
          `      Topic: t${i}-\${{ item }}`,
          "      TopicType: NORMAL",
          `      QueueNum: \${{ steps.s${i - 1}.outputs.TotalCount + 1 }}`,
        );
        break;
      case 2:
        lines.push(
          `  - id: s${i}`,
          "    set:",
          `      names: \${{ steps.s${i - 2}.outputs.Data.map(t, t.Topic) }}`,
          `      created: \${{ size(steps.s${i - 1}.outputs) }}`,
        );
        break;
      default:
        lines.push(
          `  - id: s${i}`,
          `    assert: \${{ steps.s${i - 1}.outputs.created >= 0 }}`,
          "    message: nothing created",
        );
    }
  }
  return lines.join("\n") + "\n";
}

if (import.meta.main && Deno.args[0] === "hostile") {
  console.log(JSON.stringify(benchHostile()));
} else if (import.meta.main) {
  const steps = Number(Deno.args[0] ?? "5000");
  const source = generateWorkflow(steps);
  const start = performance.now();
  const { diagnostics } = loadWorkflowText(source, `bench-${steps}.yaml`);
  const ms = performance.now() - start;
  const memory = Deno.memoryUsage();
  console.log(JSON.stringify({
    steps,
    bytes: source.length,
    ms: Math.round(ms * 10) / 10,
    heapMB: Math.round(memory.heapUsed / 1e5) / 10,
    rssMB: Math.round(memory.rss / 1e5) / 10,
    diagnostics: diagnostics.filter((d) => d.severity === "error").length,
  }));
}
