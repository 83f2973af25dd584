/**
 * Bad input over every command: malformed `--input` values, missing required inputs, broken
 * `--inputs` files, unknown commands and flags, missing flag values, bad `--endpoint-url`,
 * `--rate-scale`, `--port`… Each case must exit 2 (3 for configuration), name the flag or the
 * `file:line:col` it is about, and print no stack trace. Most cases run in-process (`runCli`);
 * a sample runs through the real `cli.ts` with the task's permissions (`runCliProcess`).
 */
import assert from "node:assert/strict";
import { hasStackTrace, ROOT, runCli, runCliProcess } from "./_cli.ts";

const dir = await Deno.makeTempDir({ prefix: "tcflow-bad-input-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const STATE = ["--state-dir", `${dir}/state`];

function write(name: string, text: string): string {
  const path = `${dir}/${name}`;
  Deno.writeTextFileSync(path, text);
  return path;
}

const SECRET = "hunter2-bad-input-secret";

/** A workflow declaring one input of every type. */
const TYPED = write(
  "typed.yaml",
  `tcflow: 1
name: typed-inputs
inputs:
  name: { type: string }
  count: { type: integer, default: 1 }
  ratio: { type: number, default: 0.5 }
  enabled: { type: boolean, default: true }
  items: { type: list, default: [] }
  labels: { type: map, default: {} }
  token: { type: string, secret: true, default: none }
steps:
  - id: echo
    set:
      greeting: "hello \${{ inputs.name }}"
      n: \${{ inputs.count + 1 }}
`,
);

const INPUT_FILES = {
  badJson: write("bad.json", '{"name": "x",'),
  deepJson: write("deep.json", `{"name": ${"[".repeat(20_000)}1${"]".repeat(20_000)}}`),
  badYaml: write("bad.yaml", "name: [unclosed\n"),
  list: write("list.yaml", "- name\n- x\n"),
  scalar: write("scalar.json", "42"),
  unknown: write("unknown.yaml", "nmae: x\n"),
  wrongType: write("wrong.json", '{"name": "x", "count": "many"}'),
  proto: write("proto.json", '{"name": "x", "labels": {"__proto__": {"polluted": true}}}'),
  constructorKey: write("ctor.yaml", "name: x\nitems: [{constructor: 1}]\n"),
  secretList: write("secret_list.json", `{"name": "x", "token": ["${SECRET}"]}`),
  secretBroken: write("secret.json", `{"name": "x", "token": "${SECRET}",`),
  aliasBomb: write(
    "bomb.yaml",
    "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
      "name: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
  ),
  huge: write("huge.yaml", `name: "${"x".repeat(2 * 1024 * 1024 + 10)}"\n`),
};

interface Case {
  args: string[];
  /** What stderr (or stdout) must name: the flag, the input or the file position. */
  names: RegExp;
  code?: number;
  /** Text that must not be printed at all. */
  hidden?: string;
}

const W = TYPED;
const NAME = ["--input", "name=x"];

/** `--input` / `--inputs` cases, run through `plan`, `run --emulator` and `run --dry-run`. */
const INPUT_CASES: Case[] = [
  { args: [], names: /missing required input `name`: give --input name=VALUE/ },
  { args: ["--input", "name"], names: /--input name: expected name=value/ },
  { args: ["--input", "=x"], names: /--input =x: expected name=value/ },
  { args: ["--input", ""], names: /--input : expected name=value/ },
  { args: ["--input"], names: /--input <value>' argument missing/ },
  { args: ["--input", "nmae=x"], names: /--input nmae: .*did you mean `name`/ },
  { args: [...NAME, "--input", "name=y"], names: /--input name is given more than once/ },
  { args: [...NAME, "--input", "count=abc"], names: /--input count must be an integer: got/ },
  { args: [...NAME, "--input", "count=1.5"], names: /--input count must be an integer/ },
  { args: [...NAME, "--input", "count=[1]"], names: /--input count must be an integer: got list/ },
  { args: [...NAME, "--input", "count=true"], names: /--input count must be an integer/ },
  {
    args: [...NAME, "--input", "count={a: 1"],
    names: /--input count: the value is not valid YAML/,
  },
  { args: [...NAME, "--input", "ratio=fast"], names: /--input ratio must be a number/ },
  { args: [...NAME, "--input", "ratio=.nan"], names: /--input ratio must be a number/ },
  { args: [...NAME, "--input", "ratio=.inf"], names: /--input ratio must be a number/ },
  { args: [...NAME, "--input", "enabled=maybe"], names: /--input enabled must be a boolean/ },
  { args: [...NAME, "--input", "enabled=1"], names: /--input enabled must be a boolean/ },
  { args: [...NAME, "--input", "items=abc"], names: /--input items must be a list: got string/ },
  { args: [...NAME, "--input", "items={a: 1}"], names: /--input items must be a list: got map/ },
  {
    args: [...NAME, "--input", "items=[1, 2"],
    names: /--input items: the value is not valid YAML/,
  },
  { args: [...NAME, "--input", "labels=[1]"], names: /--input labels must be a map: got list/ },
  { args: [...NAME, "--input", "labels=null"], names: /--input labels must be a map: got null/ },
  {
    args: [...NAME, "--input", "labels={__proto__: {polluted: 1}}"],
    names: /--input labels: the key `__proto__` is not allowed/,
  },
  {
    args: [...NAME, "--input", "items=[{constructor: x}]"],
    names: /--input items: the key `constructor` is not allowed/,
  },
  {
    args: ["--inputs", INPUT_FILES.secretList],
    names: /--inputs .*secret_list\.json: input `token` must be a string: got list/,
    hidden: SECRET,
  },
  { args: ["--inputs"], names: /--inputs <value>' argument missing/ },
  { args: ["--inputs", `${dir}/none.yaml`], names: /--inputs .*none\.yaml: cannot read the file/ },
  { args: ["--inputs", dir], names: /--inputs .*: cannot read the file/ },
  { args: ["--inputs", INPUT_FILES.badJson], names: /--inputs .*bad\.json: not valid JSON/ },
  {
    args: ["--inputs", INPUT_FILES.deepJson],
    names: /--inputs .*deep\.json: the JSON is nested too deeply/,
  },
  { args: ["--inputs", INPUT_FILES.badYaml], names: /--inputs .*bad\.yaml: not valid YAML/ },
  {
    args: ["--inputs", INPUT_FILES.list],
    names: /--inputs .*list\.yaml: expected a mapping of input names to values, got list/,
  },
  {
    args: ["--inputs", INPUT_FILES.scalar],
    names: /--inputs .*scalar\.json: expected a mapping .*, got integer/,
  },
  { args: ["--inputs", INPUT_FILES.unknown], names: /--inputs .*unknown\.yaml: .*`nmae`/ },
  {
    args: ["--inputs", INPUT_FILES.wrongType],
    names: /--inputs .*wrong\.json: input `count` must be an integer: got string "many"/,
  },
  { args: ["--inputs", INPUT_FILES.proto], names: /the key `__proto__` is not allowed/ },
  { args: ["--inputs", INPUT_FILES.constructorKey], names: /the key `constructor` is not allowed/ },
  {
    args: ["--inputs", INPUT_FILES.secretBroken],
    names: /--inputs .*secret\.json: not valid JSON/,
    hidden: SECRET,
  },
  { args: ["--inputs", INPUT_FILES.aliasBomb], names: /--inputs .*bomb\.yaml: not valid YAML/ },
  { args: ["--inputs", INPUT_FILES.huge], names: /--inputs .*huge\.yaml: the file is larger/ },
];

/** Flag and command cases over every command. */
const FLAG_CASES: Case[] = [
  { args: ["frobnicate"], names: /unknown command "frobnicate"/ },
  { args: ["valdate", W], names: /unknown command "valdate"; did you mean "validate"/ },
  { args: ["RUN", W], names: /unknown command "RUN"; did you mean "run"/ },
  { args: ["--json"], names: /unknown command "--json"/ },
  { args: [""], names: /unknown command ""/ },
  { args: ["validate"], names: /validate: no workflow file given/ },
  { args: ["validate", "-x", W], names: /validate: unknown flag -x/ },
  { args: ["validate", W, "--jsn"], names: /validate: unknown flag --jsn/ },
  { args: ["validate", W, "--json=1"], names: /validate: unknown flag --json=1/ },
  { args: ["plan"], names: /plan: missing the workflow file/ },
  { args: ["plan", W, W], names: /plan: one workflow at a time/ },
  { args: ["plan", W, "--bogus"], names: /plan: unknown flag --bogus/ },
  { args: ["plan", W, "--region"], names: /'--region <value>' argument missing/ },
  {
    args: ["plan", W, "--live-read"],
    names: /unknown flag --live-read; did you mean --live-reads/,
  },
  { args: ["run"], names: /run: missing the workflow file/ },
  { args: ["run", W, W, "--emulator"], names: /run: one workflow at a time \(got 2\)/ },
  { args: ["run", W, "--emulater"], names: /unknown flag --emulater; did you mean --emulator/ },
  { args: ["run", W, "--live-reads", "--emulator"], names: /--live-reads goes with --dry-run/ },
  { args: ["run", W, "--json=yes"], names: /'--json' does not take an argument/ },
  { args: ["run", W, "--state-dir"], names: /'--state-dir <value>' argument missing/ },
  { args: ["run", W, "--profile"], names: /'--profile <value>' argument missing/ },
  { args: ["run", W, ...NAME, "--endpoint-url"], names: /'--endpoint-url <value>' argument/ },
  {
    args: ["run", W, ...NAME, "--emulator", "--endpoint-url", "not a url"],
    names: /--endpoint-url: not a URL: "not a url"/,
  },
  {
    args: ["run", W, ...NAME, "--emulator", "--endpoint-url", "ftp://host/"],
    names: /--endpoint-url must be http:\/\/ or https:\/\/, got ftp:/,
  },
  {
    args: ["run", W, ...NAME, "--emulator", "--endpoint-url", "file:///etc/passwd"],
    names: /--endpoint-url must be http:\/\/ or https:\/\/, got file:/,
  },
  {
    args: ["run", W, ...NAME, "--emulator", "--endpoint-url", "http://"],
    names: /--endpoint-url: not a URL/,
  },
  { args: ["run", W, ...NAME, "--emulator", "--rate-scale", "fast"], names: /--rate-scale/ },
  { args: ["run", W, ...NAME, "--emulator", "--rate-scale", "0"], names: /--rate-scale must be/ },
  { args: ["run", W, ...NAME, "--emulator", "--rate-scale", "-1"], names: /--rate-scale/ },
  { args: ["run", W, ...NAME, "--emulator", "--rate-scale", "Infinity"], names: /--rate-scale/ },
  { args: ["run", W, ...NAME, "--emulator", "--rate-scale", "NaN"], names: /--rate-scale/ },
  { args: ["run", W, ...NAME, "--emulator", "--rate-scale", ""], names: /--rate-scale/ },
  { args: ["resume"], names: /resume: missing the run id/ },
  { args: ["resume", "no-such-run", ...STATE], names: /resume: no run no-such-run/ },
  {
    args: ["resume", "../../etc", ...STATE],
    names: /resume: not a valid run id: "\.\.\/\.\.\/etc"/,
  },
  { args: ["resume", "/etc/passwd", ...STATE], names: /resume: not a valid run id/ },
  { args: ["resume", "x", "--bogus"], names: /resume: unknown flag --bogus/ },
  { args: ["rollback"], names: /rollback: missing the run id/ },
  { args: ["rollback", "nope", ...STATE], names: /rollback: no run nope/ },
  { args: ["rollback", "..", ...STATE], names: /rollback: (not a valid run id|no run)/ },
  { args: ["report"], names: /report: missing the run id/ },
  { args: ["report", "nope", ...STATE], names: /report: no run nope/ },
  { args: ["report", "nope", "--pdf"], names: /report: unknown flag --pdf/ },
  { args: ["runs", "extra"], names: /runs: takes no arguments \(got extra\)/ },
  { args: ["runs", "--bogus"], names: /runs: unknown flag --bogus/ },
  { args: ["notebook"], names: /notebook: missing the workflow file/ },
  { args: ["notebook", W, "--bogus"], names: /notebook: unknown flag --bogus/ },
  { args: ["ipynb"], names: /ipynb: missing the workflow file/ },
  { args: ["ipynb", W, "--bogus"], names: /ipynb: unknown flag --bogus/ },
  { args: ["schedule"], names: /schedule: give workflow files or directories/ },
  { args: ["schedule", "--bogus"], names: /schedule: unknown flag --bogus/ },
  { args: ["actions", "--bogus"], names: /actions: unknown flag --bogus/ },
  { args: ["actions", "describe"], names: /actions describe: missing <service\.Action>/ },
  { args: ["actions", "describe", "trocket.Nope"], names: /unknown action trocket\.Nope/ },
  { args: ["actions", "nosuchservice"], names: /unknown service "nosuchservice"/ },
  { args: ["schema", "--bogus"], names: /schema: unknown flag --bogus/ },
  { args: ["emulator", "--port", "abc"], names: /--port must be 0 to 65535: got "abc"/ },
  { args: ["emulator", "--port", "70000"], names: /--port must be 0 to 65535/ },
  { args: ["emulator", "--port", "-1"], names: /--port/ },
  { args: ["emulator", "--port"], names: /'--port <value>' argument missing/ },
  { args: ["emulator", "--rate-scale", "x"], names: /--rate-scale must be a number above 0/ },
  { args: ["emulator", "--faults", "garbage=="], names: /--faults: fault spec: unknown key/ },
  { args: ["emulator", "--credential", "nocolon"], names: /--credential must be SECRET_ID:/ },
  { args: ["emulator", "--data", `${dir}/none.yaml`], names: /cannot read --data .*none\.yaml/ },
  { args: ["emulator", "--fault-seed", "x"], names: /--fault-seed must be a whole number/ },
  { args: ["emulator", "--host", ""], names: /--host must not be empty/ },
  { args: ["emulator", "extra"], names: /emulator: unexpected argument "extra"/ },
];

async function check(c: Case, label: string): Promise<void> {
  const { code, stdout, stderr } = await runCli(c.args, { env: {} });
  const all = stdout + stderr;
  assert.equal(code, c.code ?? 2, `${label}: exit ${code}\n${all}`);
  assert.match(all, c.names, label);
  assert.ok(!hasStackTrace(all), `${label}: stack trace\n${all}`);
  assert.ok(!all.includes("internal error"), `${label}: internal error\n${all}`);
  if (c.hidden !== undefined) assert.ok(!all.includes(c.hidden), `${label}: leaked\n${all}`);
}

Deno.test("bad --input / --inputs values exit 2 naming the input, for plan and run", async () => {
  for (const c of INPUT_CASES) {
    for (
      const command of [["plan", W], ["run", W, "--emulator", ...STATE], ["run", W, "--dry-run"]]
    ) {
      await check({ ...c, args: [...command, ...c.args] }, `${command[0]} ${c.args.join(" ")}`);
    }
  }
});

Deno.test("bad flags and unknown commands exit 2 naming the flag, over every command", async () => {
  for (const c of FLAG_CASES) await check(c, c.args.join(" "));
});

Deno.test("the inputs are never polluted: a __proto__ input leaves Object.prototype alone", async () => {
  await runCli(["plan", W, "--inputs", INPUT_FILES.proto], { env: {} });
  await runCli(["plan", W, ...NAME, "--input", "labels={__proto__: {polluted: 1}}"], { env: {} });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("invalid workflows exit 2 from validate, plan and run, at file:line:col", async () => {
  const corpus = [...Deno.readDirSync(`${ROOT}test/invalid`)].map((e) => e.name).sort();
  assert.ok(corpus.length >= 200, `the invalid corpus holds ${corpus.length} files`);
  // Every 7th file through each command (all of them run through validation in
  // validate_corpus_test.ts; here the commands' own handling is checked).
  for (const [i, name] of corpus.entries()) {
    if (i % 7 !== 0) continue;
    const source = Deno.readTextFileSync(`${ROOT}test/invalid/${name}`);
    const first = /^# expect: [A-Z_]+ (\d+):(\d+)/.exec(source);
    assert.ok(first, name);
    const position = `test/invalid/${name}:${first[1]}:${first[2]}`;
    for (
      const args of [
        ["validate", `test/invalid/${name}`],
        ["plan", `test/invalid/${name}`],
        ["run", `test/invalid/${name}`, "--emulator", ...STATE],
      ]
    ) {
      const { code, stdout, stderr } = await runCli(args, { env: {} });
      const all = stdout + stderr;
      assert.equal(code, 2, `${args.join(" ")}\n${all}`);
      assert.ok(all.includes(position), `${args.join(" ")} names ${position}\n${all}`);
      assert.ok(!hasStackTrace(all), all);
    }
  }
});

Deno.test("a workflow path that is missing or binary is a diagnostic at 1:1, exit 2", async () => {
  const binary = `${dir}/binary.yaml`;
  Deno.writeFileSync(binary, new Uint8Array([0x74, 0x63, 0xff, 0xfe, 0x00, 0x81]));
  for (const path of [`${dir}/missing.yaml`, binary]) {
    for (const command of ["plan", "run"]) {
      const { code, stderr } = await runCli([command, path, "--emulator"].slice(0, 2), { env: {} });
      assert.equal(code, 2, stderr);
      assert.match(stderr, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:1:1`));
      assert.match(stderr, path === binary ? /error E_(SCHEMA|YAML|FILE)/ : /error E_FILE/);
      assert.ok(!hasStackTrace(stderr));
    }
  }
});

Deno.test("missing credentials without --emulator exit 3 (configuration), not 2", async () => {
  const cloud = write(
    "cloud.yaml",
    "tcflow: 1\nname: cloud\nsteps:\n  - id: t\n    action: trocket.DescribeTopicList\n" +
      "    with: { InstanceId: rmq-1 }\n",
  );
  const { code, stderr } = await runCli(["run", cloud, ...STATE], { env: { HOME: dir } });
  assert.equal(code, 3, stderr);
  assert.ok(!hasStackTrace(stderr));
  const profile = await runCli(["run", cloud, "--profile", "nobody", ...STATE], {
    env: { HOME: dir },
  });
  assert.equal(profile.code, 3, profile.stderr);
  assert.match(profile.stderr, /nobody/);
});

Deno.test("the real cli.ts under the task's permissions: exit 2, no stack trace (sample)", async () => {
  const sample: Case[] = [
    INPUT_CASES[0]!,
    INPUT_CASES[8]!,
    INPUT_CASES[28]!,
    FLAG_CASES[0]!,
    FLAG_CASES[16]!,
    FLAG_CASES[22]!,
    FLAG_CASES[35]!,
  ];
  for (const c of sample) {
    const args = c.args[0] === "frobnicate" || c.args[0] === "run" || c.args[0] === "resume"
      ? c.args
      : ["plan", W, ...c.args];
    const { code, stdout, stderr } = await runCliProcess(args, { env: { HOME: dir } });
    const all = stdout + stderr;
    assert.equal(code, 2, `${args.join(" ")}\n${all}`);
    assert.match(all, c.names);
    assert.ok(!hasStackTrace(all), all);
  }
  const invalid = await runCliProcess(["run", "test/invalid/many_problems_at_once.yaml"]);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /many_problems_at_once\.yaml:10:13: error E_UNKNOWN_ACTION/);
  assert.ok(!hasStackTrace(invalid.stderr));
});

Deno.test("a string input keeps its text: YAML tags, anchors and block indicators are not eaten", async () => {
  // A password such as `!Secr3t` or `&x y` must reach the workflow as typed, not as "" or "y".
  for (const text of ["!Secr3t", "!!abc def", "&a pass", "|", ">", "*alias", "# hash", "- item"]) {
    const { code, stdout, stderr } = await runCli(
      ["plan", W, "--json", "--input", `name=${text}`],
      { env: {} },
    );
    assert.equal(code, 0, stderr);
    const plan = JSON.parse(stdout) as { steps: Array<{ values?: { greeting?: string } }> };
    assert.equal(plan.steps[0]?.values?.greeting, `hello ${text}`, `--input name=${text}`);
  }
});

Deno.test("a --region that is not a region name is a command-line error: exit 2, nothing sent", async () => {
  const noRegion = write(
    "no_region.yaml",
    "tcflow: 1\nname: no-region\nsteps:\n  - id: t\n    action: trocket.DescribeTopicList\n" +
      "    with: { InstanceId: rmq-1 }\n",
  );
  for (
    const region of ["evil.example/#", "ap guangzhou", "../x", "ap-guangzhou\r\nX-Injected: 1"]
  ) {
    let sent = 0;
    const { code, stdout, stderr } = await runCli(
      ["run", noRegion, "--region", region, "--regional-endpoints", ...STATE],
      {
        env: { TENCENTCLOUD_SECRET_ID: "AKIDREGION", TENCENTCLOUD_SECRET_KEY: "region-key" },
        deps: { fetch: () => (sent++, Promise.reject(new Error("must not be called"))) },
      },
    );
    assert.equal(sent, 0, `--region ${JSON.stringify(region)} reached the network`);
    assert.match(stdout + stderr, /region/);
    assert.ok(!hasStackTrace(stdout + stderr));
    assert.equal(code, 2, `--region ${JSON.stringify(region)}: exit ${code}\n${stderr}`);
  }
});
