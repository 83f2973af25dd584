import assert from "node:assert/strict";
import { join } from "node:path";
import { runMutation } from "./runner.ts";
import { formatReport, score } from "./report.ts";

const MODULE = "export function big(n: number): boolean {\n  return n > 10;\n}\n";
const TEST = [
  'import assert from "node:assert/strict";',
  'import { big } from "./m.ts";',
  'Deno.test("big", () => { assert.equal(big(11), true); assert.equal(big(5), false); });',
  "",
].join("\n");

Deno.test("a real run on a small tree: verdicts, survivors, resume, tree untouched", async () => {
  const root = await Deno.makeTempDir({ prefix: "mutate-fixture-" });
  try {
    await Deno.writeTextFile(join(root, "m.ts"), MODULE);
    await Deno.writeTextFile(join(root, "m_test.ts"), TEST);
    await Deno.writeTextFile(join(root, "other.ts"), "export const x = 1;\n");
    const resultsPath = join(root, "results.json");
    const logged: string[] = [];
    const options = {
      root,
      modules: ["m.ts", "other.ts"],
      seed: 1,
      timeoutS: 60,
      resultsPath,
      log: (line: string) => logged.push(line),
    };
    const first = await runMutation(options);
    const verdicts = Object.fromEntries(
      first[0]!.outcomes.map((o) => [`${o.mutant.original}→${o.mutant.replacement}`, o.verdict]),
    );
    // n >= 10 agrees with n > 10 on 11 and 5: nothing tests the boundary.
    assert.deepStrictEqual(verdicts, { ">→>=": "survived", ">→<=": "killed", "10→11": "killed" });
    assert.deepStrictEqual(first[0]!.tests, ["m_test.ts"]);
    // other.ts: no test imports it, so its mutant survives without a run.
    assert.deepStrictEqual(first[1]!.outcomes.map((o) => o.verdict), ["survived"]);
    assert.equal(await Deno.readTextFile(join(root, "m.ts")), MODULE);
    assert.equal(logged.length, 4);

    const report = formatReport(first, {
      "other.ts": { "x/constant/1→2#0": { verdict: "equivalent", reason: "unused" } },
    });
    assert.match(report, /m\.ts:2:12 boundary: `>` → `>=`/);
    assert.match(report, /other\.ts  +\d/);
    assert.deepStrictEqual(
      score(first, { "other.ts": { "x/constant/1→2#0": { verdict: "equivalent", reason: "" } } }),
      { killed: 2, survived: 1, equivalent: 1, percent: 200 / 3 },
    );

    logged.length = 0;
    const again = await runMutation(options);
    assert.deepStrictEqual(logged, [], "a second run takes every verdict from the results file");
    assert.deepStrictEqual(again, first);

    // A new test for the boundary: only the survivor is measured again, and now dies.
    await Deno.writeTextFile(
      join(root, "m_test.ts"),
      TEST + 'Deno.test("edge", () => { assert.equal(big(10), false); });\n',
    );
    logged.length = 0;
    const third = await runMutation(options);
    assert.deepStrictEqual(logged, ["m.ts:2:12 boundary killed"]);
    assert.deepStrictEqual(third[0]!.outcomes.map((o) => o.verdict), [
      "killed",
      "killed",
      "killed",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a module whose tests fail without mutants is reported, not scored", async () => {
  const root = await Deno.makeTempDir({ prefix: "mutate-fixture-" });
  try {
    await Deno.writeTextFile(join(root, "m.ts"), MODULE);
    await Deno.writeTextFile(
      join(root, "m_test.ts"),
      TEST.replace("big(5), false", "big(5), true"),
    );
    const logged: string[] = [];
    const [outcome] = await runMutation({
      root,
      modules: ["m.ts"],
      seed: 1,
      timeoutS: 60,
      resultsPath: join(root, "results.json"),
      log: (line: string) => logged.push(line),
    });
    assert.equal(outcome!.baselineFailed, true);
    assert.deepEqual(outcome!.outcomes, []);
    assert.match(logged.join("\n"), /m\.ts: its tests fail without any mutant \(m_test\.ts\)/);
    assert.match(formatReport([outcome!], {}), /not measured/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
