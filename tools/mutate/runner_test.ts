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
    // The test's clean run under coverage, then one line per mutant, the killer named.
    assert.equal(logged.length, 5, logged.join("\n"));
    assert.match(logged[0]!, /^coverage m_test\.ts: passed/);
    assert.deepStrictEqual(logged.slice(1, 4).sort(), [
      "m.ts:2:12 boundary survived (1 tests)",
      "m.ts:2:12 comparison killed by m_test.ts",
      "m.ts:2:14 constant killed by m_test.ts",
    ]);
    assert.deepStrictEqual(logged[4], "other.ts:1:18 constant survived (0 tests)");

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
    // The changed test is measured again; only the survivor runs again.
    assert.match(logged[0]!, /^coverage m_test\.ts: passed/);
    assert.deepStrictEqual(logged.slice(1), ["m.ts:2:12 boundary killed by m_test.ts"]);
    assert.deepStrictEqual(third[0]!.outcomes.map((o) => o.verdict), [
      "killed",
      "killed",
      "killed",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("coverage: a test that fails without mutants is left out; a line no test executes survives unrun", async () => {
  const root = await Deno.makeTempDir({ prefix: "mutate-fixture-" });
  try {
    await Deno.writeTextFile(
      join(root, "m.ts"),
      MODULE + "export function unused(n: number): number {\n  return n * 2;\n}\n",
    );
    await Deno.writeTextFile(join(root, "m_test.ts"), TEST);
    await Deno.writeTextFile(
      join(root, "bad_test.ts"),
      'import { big } from "./m.ts";\nDeno.test("bad", () => { if (big(5)) return; throw new Error("x"); });\n',
    );
    const logged: string[] = [];
    const [outcome] = await runMutation({
      root,
      modules: ["m.ts"],
      seed: 1,
      timeoutS: 60,
      jobs: 2,
      resultsPath: join(root, "results.json"),
      log: (line: string) => logged.push(line),
    });
    assert.deepStrictEqual(outcome!.failingTests, ["bad_test.ts"]);
    assert.match(logged.join("\n"), /m\.ts: left out, they fail without any mutant: bad_test\.ts/);
    const byLine = outcome!.outcomes.map((o) => [o.mutant.line, o.mutant.operator, o.verdict]);
    assert.deepStrictEqual(byLine, [
      [2, "boundary", "survived"],
      [2, "comparison", "killed"],
      [2, "constant", "killed"],
      [5, "arithmetic", "survived"],
      [5, "constant", "survived"],
    ]);
    // Line 5 is never executed: no test ran for its mutants.
    assert.ok(logged.includes("m.ts:5:12 arithmetic survived (0 tests)"), logged.join("\n"));
    assert.match(formatReport([outcome!], {}), /left out, failing without mutants: bad_test\.ts/);
    // Coverage is cached beside the results, by test file.
    const cache = JSON.parse(await Deno.readTextFile(join(root, ".mutate-coverage.json")));
    assert.deepStrictEqual(Object.keys(cache).sort(), ["bad_test.ts", "m_test.ts"]);
    assert.equal(cache["m_test.ts"].modules["m.ts"].lines.includes("5"), false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("graph selection: a module whose tests fail without mutants is reported, not scored", async () => {
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
      select: "graph",
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

Deno.test("coverage: the nearest test runs alone first, the farther ones after it; the killer is named", async () => {
  const root = await Deno.makeTempDir({ prefix: "mutate-fixture-" });
  try {
    await Deno.writeTextFile(join(root, "m.ts"), MODULE);
    await Deno.writeTextFile(
      join(root, "user.ts"),
      'export { big } from "./m.ts";\n',
    );
    // The nearest test cannot tell > from >=; a farther one (through user.ts) can.
    await Deno.writeTextFile(
      join(root, "near_test.ts"),
      'import { big } from "./m.ts";\nDeno.test("n", () => { if (!big(11)) throw new Error("x"); });\n',
    );
    await Deno.writeTextFile(
      join(root, "far_test.ts"),
      'import { big } from "./user.ts";\nDeno.test("f", () => { if (big(10) || big(3)) throw new Error("x"); });\n',
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
    assert.deepStrictEqual(outcome!.tests, ["near_test.ts", "far_test.ts"]);
    const kills = logged.filter((l) => !l.startsWith("coverage")).sort();
    assert.deepStrictEqual(kills, [
      "m.ts:2:12 boundary killed by far_test.ts",
      "m.ts:2:12 comparison killed by near_test.ts",
      "m.ts:2:14 constant killed by near_test.ts",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
