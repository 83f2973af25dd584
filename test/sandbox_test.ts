/**
 * The expression sandbox (PRODUCT.md section 3: "expressions are data, never code"): workflows
 * whose expressions reach for `constructor`, `__proto__`, globals, `Deno`, `fetch`, `import`,
 * the file system, the environment, or allocate without bound. Validation rejects them with a
 * code, or evaluation fails the step cleanly (exit 1, an error code, no stack trace), or the
 * value is plain data. Nothing reaches a prototype: `({}).polluted` stays undefined.
 */
import assert from "node:assert/strict";
import { loadWorkflowText } from "../lib/workflow/load.ts";
import { parseJson } from "../lib/json.ts";
import { hasStackTrace, ROOT, runCli, TASK_PERMISSIONS } from "./_cli.ts";

const dir = await Deno.makeTempDir({ prefix: "tcflow-sandbox-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

const OBJECT_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
const ARRAY_KEYS = Object.getOwnPropertyNames(Array.prototype).sort();
const STRING_KEYS = Object.getOwnPropertyNames(String.prototype).sort();

/** A workflow whose one `set` step computes `x: ${{ expr }}`. */
function workflow(expr: string, extraInputs = ""): string {
  return `tcflow: 1
name: sandbox
env: [TCFLOW_SANDBOX_VAR]
inputs:
  name: { type: string, default: abc }
  labels: { type: map, default: { a: 1 } }
  items: { type: list, default: [1] }
  anything: { type: any, default: { k: v } }
${extraInputs}steps:
  - id: probe
    set:
      x: \${{ ${expr} }}
outputs:
  x: \${{ steps.probe.outputs.x }}
`;
}

let counter = 0;
async function runExpr(expr: string, args: string[] = [], extraInputs = "") {
  const file = `${dir}/probe-${counter++}.yaml`;
  await Deno.writeTextFile(file, workflow(expr, extraInputs));
  const result = await runCli(
    ["run", file, "--emulator", "--json", "--state-dir", `${dir}/state`, ...args],
    { env: { HOME: "/home/sandbox-home", PATH: "/sandbox/path" } },
  );
  assert.ok(!hasStackTrace(result.stdout + result.stderr), result.stderr);
  assert.ok(!/internal error/.test(result.stderr), result.stderr);
  return result;
}

/** Rejected before anything runs: [expression, diagnostic code]. */
const REJECTED: Array<[string, string]> = [
  ["constructor", "E_REF"],
  ["this", "E_REF"],
  ["globalThis", "E_REF"],
  ["window", "E_REF"],
  ["self", "E_REF"],
  ["Deno", "E_REF"],
  ["Deno.env.get('HOME')", "E_REF"],
  ["Deno.readTextFileSync('/etc/passwd')", "E_REF"],
  ["process.env", "E_REF"],
  ["require('fs')", "E_REF"],
  ["import('file:///etc/passwd')", "E_EXPR"],
  ["fetch('http://example.com')", "E_REF"],
  ["eval('1')", "E_REF"],
  ["Function('return Deno')()", "E_EXPR"],
  ["inputs.name.constructor.constructor('return Deno')()", "E_EXPR"],
  ["'abc'.constructor", "E_TYPE"],
  ["inputs.items.constructor", "E_TYPE"],
  ["inputs.items.map(x, x).constructor", "E_TYPE"],
  ["[1][0].toString()", "E_REF"],
  ["inputs.constructor", "E_REF"],
  ["inputs.__proto__", "E_REF"],
  ["inputs.hasOwnProperty", "E_REF"],
  ["steps.__proto__", "E_REF"],
  ["steps.constructor", "E_REF"],
  ["run.__proto__", "E_REF"],
  ["run.constructor", "E_REF"],
  ["env.PATH", "E_REF"],
  ["env.HOME", "E_REF"],
  ["env.__proto__", "E_REF"],
  ["{'__proto__': {'polluted': true}}", "E_EXPR"],
  ["readFile('/etc/passwd')", "E_REF"],
  ["open('/etc/passwd')", "E_REF"],
  ["`${1}`", "E_EXPR"],
  ["x => x", "E_EXPR"],
  ["a = 1", "E_EXPR"],
  ["new Date()", "E_EXPR"],
  ["1; Deno.exit(0)", "E_EXPR"],
  ["9223372036854775808", "E_EXPR"],
];

Deno.test("validation rejects expressions that reach for globals, code or prototypes", () => {
  const failures: string[] = [];
  for (const [expr, code] of REJECTED) {
    const result = loadWorkflowText(workflow(expr), "sandbox.yaml");
    const codes = result.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
    if (result.workflow !== undefined || !codes.includes(code as never)) {
      failures.push(`${expr}: expected ${code}, got ${codes.join(", ") || "valid"}`);
    }
  }
  assert.deepEqual(failures, []);
});

Deno.test("the CLI refuses them with exit 2 at file:line:col", async () => {
  for (const [expr, code] of REJECTED.filter((_, i) => i % 4 === 0)) {
    const { code: exit, stderr } = await runExpr(expr);
    assert.equal(exit, 2, `${expr}: ${stderr}`);
    assert.match(stderr, new RegExp(`probe-\\d+\\.yaml:12:\\d+: error ${code}`), expr);
  }
});

/** Type-checked as `dyn`, so they fail at run time: the step fails with a code. */
const RUNTIME: string[] = [
  "inputs.labels.constructor",
  "inputs.labels['constructor']",
  "inputs.labels['__proto__']",
  "inputs.labels.hasOwnProperty",
  "inputs.labels.toString",
  "inputs.anything.constructor",
  "inputs.anything['__proto__']",
  "inputs.anything.valueOf",
  "dyn(inputs.anything).toString",
  "dyn(inputs.anything)['prototype']",
  "inputs.anything.k.constructor",
  "inputs.labels.a / 0",
  "9223372036854775807 + inputs.labels.a",
  "int('99999999999999999999999')",
  // Unbounded allocation: 10^8 strings, refused by the evaluator's budget.
  "inputs.items.map(a, [0,1,2,3,4,5,6,7,8,9].map(b, [0,1,2,3,4,5,6,7,8,9].map(c, " +
  "[0,1,2,3,4,5,6,7,8,9].map(d, [0,1,2,3,4,5,6,7,8,9].map(e, [0,1,2,3,4,5,6,7,8,9].map(f, " +
  "[0,1,2,3,4,5,6,7,8,9].map(g, [0,1,2,3,4,5,6,7,8,9].map(h, [0,1,2,3,4,5,6,7,8,9].map(i, " +
  "'xxxxxxxxxxxxxxxxxxxx')))))))))",
];

Deno.test("prototype and overflow probes fail the step cleanly at run time", async () => {
  for (const expr of RUNTIME) {
    const { code, stdout, stderr } = await runExpr(expr);
    assert.equal(code, 1, `${expr}: ${stderr}`);
    const doc = parseJson(stdout, "auto") as {
      steps: Array<{ status: string; error?: { code: string; message: string } }>;
    };
    assert.equal(doc.steps[0]?.status, "failed", expr);
    assert.match(doc.steps[0]?.error?.code ?? "", /^E_[A-Z_]+$/, expr);
    assert.ok(!/function|native code|\[object/i.test(doc.steps[0]?.error?.message ?? ""), expr);
    if (expr.includes(".map(")) {
      // Stopped by the evaluator's budget, not by running out of time or memory.
      assert.match(doc.steps[0]?.error?.message ?? "", /too many steps|too large/, expr);
    }
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("data that looks like code stays data", async () => {
  const cases: Array<[string, unknown]> = [
    [
      "{'constructor': {'prototype': {'polluted': true}}}",
      { constructor: { prototype: { polluted: true } } },
    ],
    ["has(inputs.anything.__proto__)", false],
    ["'${{ inputs.name }}'", "${{ inputs.name }}"],
    ["inputs.name + '${{ Deno }}'", "abc${{ Deno }}"],
    ["'/etc/passwd'", "/etc/passwd"],
    ["'Deno.exit(1)'", "Deno.exit(1)"],
  ];
  for (const [expr, expected] of cases) {
    const { code, stdout, stderr } = await runExpr(expr);
    assert.equal(code, 0, `${expr}: ${stderr}`);
    const doc = parseJson(stdout, "auto") as { outputs: { x: unknown } };
    assert.deepEqual(doc.outputs.x, expected, expr);
  }
  // An input whose value holds `${{ }}` is never evaluated (no second-order injection).
  const injected = await runExpr("inputs.name + '!'", [
    "--input",
    "name=${{ env.TCFLOW_SANDBOX_VAR }}",
  ]);
  assert.equal(injected.code, 0, injected.stderr);
  assert.equal(
    (parseJson(injected.stdout, "auto") as { outputs: { x: unknown } }).outputs.x,
    "${{ env.TCFLOW_SANDBOX_VAR }}!",
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(({} as Record<string, unknown>).prototype, undefined);
});

Deno.test("no prototype changed after every probe", () => {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), OBJECT_KEYS);
  assert.deepEqual(Object.getOwnPropertyNames(Array.prototype).sort(), ARRAY_KEYS);
  assert.deepEqual(Object.getOwnPropertyNames(String.prototype).sort(), STRING_KEYS);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(([] as unknown as Record<string, unknown>).polluted, undefined);
});

Deno.test("a regular expression cannot hang the run (catastrophic backtracking)", async () => {
  // `(a|a)*` and `(\w|a)+` backtrack exponentially in a backtracking engine; `matches` must
  // refuse such patterns or match in linear time; `a*a*a*a*a*a*b` is polynomial (n^6), years
  // for these subjects. Each runs in a subprocess killed after 60 s (a bound, not a timing
  // target: a busy machine must not fail it), so a hang fails with a message.
  const cases: Array<[string, string]> = [
    ["^(a|a)*$", "a".repeat(34) + "!"],
    // Four backslashes in the file: YAML's double quotes keep two, CEL's string one: `\w`.
    ["^(\\\\\\\\w|a)+$", "a".repeat(34) + "!"],
    ["a*a*a*a*a*a*b", "a".repeat(300)],
  ];
  for (const [pattern, subject] of cases) {
    const file = `${dir}/redos-${counter++}.yaml`;
    await Deno.writeTextFile(
      file,
      `tcflow: 1\nname: redos\ninputs:\n  s: { type: string }\nsteps:\n  - id: m\n` +
        `    set: { x: "\${{ inputs.s.matches('${pattern}') }}" }\n`,
    );
    const result = await runBounded(
      ["run", file, "--emulator", "--input", `s=${subject}`, "--state-dir", `${dir}/st`],
      60_000,
    );
    assert.ok(result !== undefined, `matches('${pattern}') still running after 60 s`);
    // The linear-time engine answers every pattern: no match (the subjects end in "!" or lack
    // the "b"), so the run succeeds.
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!hasStackTrace(result.stderr), result.stderr);
  }
});

/** Runs the real `cli.ts` under the task's permissions; kills it after `timeoutMs`. */
async function runBounded(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number; stderr: string } | undefined> {
  const signal = AbortSignal.timeout(timeoutMs);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...TASK_PERMISSIONS, `${ROOT}cli.ts`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal,
  }).spawn();
  const output = await child.output();
  if (signal.aborted) return undefined;
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}
