/**
 * The workflow fuzzer in CI: `TCFLOW_FUZZ_ITERATIONS` mutated sample workflows (default 300)
 * from a fixed seed (`TCFLOW_FUZZ_SEED`, default 20261123). Every case loads without throwing,
 * within a time bound, and is either valid or reported with known codes at positions inside
 * the file; the valid ones also plan (their mutated expressions evaluate) without throwing.
 * `deno run -A tools/proof_fuzz.ts` runs many more and prints figures.
 */
import assert from "node:assert/strict";
import { planWorkflow } from "../lib/workflow/plan.ts";
import { loadWorkflowText } from "../lib/workflow/load.ts";
import type { InputDecl } from "../lib/workflow/model.ts";
import { fuzzCases, judgeCase, knownCodes, mutate, MUTATIONS, sampleWorkflows } from "./_fuzz.ts";
import { createRng } from "./_random.ts";
import { hasStackTrace, runCli } from "./_cli.ts";
import { parseInputFlags } from "../lib/workflow/inputs.ts";
import { UsageError } from "../lib/errors.ts";

const ITERATIONS = Number(Deno.env.get("TCFLOW_FUZZ_ITERATIONS") ?? "300");
const SEED = Number(Deno.env.get("TCFLOW_FUZZ_SEED") ?? "20261123");
/** Per-case bound: generous for a loaded 2-core CI machine; typical cases take a few ms. */
const MAX_CASE_MS = 2_000;

/** Inputs for planning a valid case: declared defaults, else a value of the declared type. */
function sampleInputs(decls: InputDecl[]): Record<string, unknown> {
  const byType: Record<InputDecl["type"], unknown> = {
    string: "x",
    integer: 1n,
    number: 1.5,
    boolean: true,
    list: [],
    map: {},
    any: "x",
  };
  return Object.fromEntries(decls.map((d) => [d.name, d.default ?? byType[d.type]]));
}

Deno.test("the sample workflows are valid before mutation (the fuzzer starts from them)", () => {
  const samples = sampleWorkflows();
  assert.ok(samples.length >= 3);
  for (const { name, source } of samples) {
    const result = loadWorkflowText(source, name);
    assert.ok(result.workflow, `${name}: ${JSON.stringify(result.diagnostics)}`);
  }
});

Deno.test("the diagnostic code list is read from diagnostic.ts", () => {
  const codes = knownCodes();
  for (const code of ["E_YAML", "E_SCHEMA", "E_EXPR", "E_REF", "E_TYPE", "W_UNTYPED"]) {
    assert.ok(codes.has(code), code);
  }
  assert.ok(!codes.has("E_NOPE"));
});

Deno.test("every mutation kind changes the text and is reproducible from the seed", () => {
  const [sample] = sampleWorkflows();
  for (const kind of MUTATIONS) {
    let changed = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const a = mutate(sample!.source, kind, createRng(seed));
      const b = mutate(sample!.source, kind, createRng(seed));
      assert.equal(a, b, `${kind} is deterministic`);
      if (a !== sample!.source) changed++;
    }
    assert.ok(changed >= 10, `${kind} changed only ${changed} of 20`);
  }
  const first = [...fuzzCases(SEED, 5)].map((c) => c.source);
  const again = [...fuzzCases(SEED, 5)].map((c) => c.source);
  assert.deepEqual(first, again);
});

Deno.test("the judge catches a broken contract (it can fail)", () => {
  const codes = knownCodes();
  const ok = judgeCase("tcflow: 1\nname: x\nsteps: [", { codes, maxMs: MAX_CASE_MS });
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.valid, false);
  const strict = judgeCase("tcflow: 1\nname: x\nsteps: [", { codes: new Set(), maxMs: 0 });
  assert.ok(strict.problems.some((p) => p.startsWith("unknown code")), strict.problems.join());
  assert.ok(strict.problems.some((p) => p.startsWith("took")), strict.problems.join());
});

Deno.test(`fuzz: ${ITERATIONS} mutated workflows (seed ${SEED}) never crash or hang`, async () => {
  const codes = knownCodes();
  const failures: string[] = [];
  let valid = 0;
  let invalid = 0;
  for (const fuzz of fuzzCases(SEED, ITERATIONS)) {
    const outcome = judgeCase(fuzz.source, { codes, maxMs: MAX_CASE_MS });
    if (outcome.problems.length > 0) {
      failures.push(
        `case ${fuzz.index} (${fuzz.sample}, ${fuzz.mutations.join("+")}): ` +
          outcome.problems.join("; "),
      );
      continue;
    }
    if (!outcome.valid) {
      invalid++;
      continue;
    }
    valid++;
    const { workflow } = loadWorkflowText(fuzz.source, "fuzz.yaml");
    try {
      const started = performance.now();
      const plan = await planWorkflow(workflow!, { inputs: sampleInputs(workflow!.inputs) });
      assert.equal(plan.steps.length, workflow!.steps.length);
      const ms = performance.now() - started;
      if (ms > MAX_CASE_MS) failures.push(`case ${fuzz.index}: plan took ${ms.toFixed(0)} ms`);
    } catch (error) {
      failures.push(`case ${fuzz.index} (${fuzz.mutations.join("+")}): plan threw ${error}`);
    }
  }
  assert.deepEqual(failures, [], `reproduce with TCFLOW_FUZZ_SEED=${SEED}`);
  assert.equal(valid + invalid, ITERATIONS);
  // The mutations must mostly break the files, or the fuzzer tests nothing.
  assert.ok(invalid >= ITERATIONS / 2, `only ${invalid} of ${ITERATIONS} cases were invalid`);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("fuzz through the CLI: validate and plan exit 0 or 2, at file:line:col, no stack trace", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tcflow-fuzz-" });
  try {
    const count = Math.max(10, Math.floor(ITERATIONS / 10));
    for (const fuzz of fuzzCases(SEED + 1, count)) {
      const file = `${dir}/case-${fuzz.index}.yaml`;
      await Deno.writeTextFile(file, fuzz.source);
      const { diagnostics, workflow } = loadWorkflowText(fuzz.source, file);
      for (const command of ["validate", "plan"]) {
        const { code, stdout, stderr } = await runCli([command, file], { env: {} });
        const all = stdout + stderr;
        const label = `case ${fuzz.index} (${fuzz.mutations.join("+")}) ${command}`;
        assert.ok(!hasStackTrace(all) && !all.includes("internal error"), `${label}\n${all}`);
        if (workflow === undefined) {
          assert.equal(code, 2, `${label}\n${all}`);
          const first = diagnostics[0]!;
          assert.ok(all.includes(`${file}:${first.line}:${first.column}`), `${label}\n${all}`);
        } else {
          assert.ok(code === 0 || code === 2, `${label}: exit ${code}\n${all}`);
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fuzz --input values: every type either parses or is a UsageError naming the input", () => {
  const rng = createRng(SEED + 2);
  const pos = { line: 1, column: 1, offset: 0, length: 1 };
  const types = ["string", "integer", "number", "boolean", "list", "map", "any"] as const;
  const pieces = [
    ..."{}[]:,-#&*!|>'\"%@`?$=\\ \t\n0123456789aeXZ.",
    "null",
    "~",
    "__proto__",
    "!!js",
    "&a",
    "*a",
    "0x1F",
    "1e999",
    "-0",
    "9223372036854775808",
    "\u0000",
  ];
  for (let i = 0; i < ITERATIONS * 3; i++) {
    const type = rng.pick(types);
    let text = "";
    for (let n = rng.int(0, 12); n > 0; n--) text += rng.pick(pieces);
    const decls = [{ name: "v", type, required: true, secret: rng.chance(0.3), pos }];
    try {
      const inputs = parseInputFlags([`v=${text}`], undefined, decls);
      assert.ok(Object.hasOwn(inputs, "v"));
      if (type === "integer") assert.equal(typeof inputs.v, "bigint", text);
      if (type === "list") assert.ok(Array.isArray(inputs.v), text);
    } catch (error) {
      assert.ok(error instanceof UsageError, `${type} ${JSON.stringify(text)}: ${error}`);
      assert.match(error.message, /--input v/);
      if (decls[0]!.secret && text.length >= 3) {
        assert.ok(!error.message.includes(text), `secret quoted: ${error.message}`);
      }
    }
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
