import assert from "node:assert/strict";
import { parseWorkflow } from "./parse.ts";
import type { ActionStep, ExprPart, ValueNode, Workflow } from "./model.ts";

const HEAD = "tcflow: 1\nname: t\n";

function parse(body: string) {
  return parseWorkflow(HEAD + body, "t.yaml");
}

function ok(body: string): Workflow {
  const { workflow, diagnostics } = parse(body);
  assert.deepEqual(diagnostics, []);
  assert.ok(workflow);
  return workflow;
}

/** Code, line and column of every diagnostic. */
function codes(body: string): string[] {
  return parse(body).diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`);
}

function firstWith(wf: Workflow, key: string): ValueNode {
  const step = wf.steps[0] as ActionStep;
  const entry = step.with.entries.find((e) => e.key === key);
  assert.ok(entry, key);
  return entry.value;
}

/** The source text at an expression part's position: must be exactly its CEL text. */
function textAt(source: string, part: ExprPart): string {
  return source.slice(part.pos.offset, part.pos.offset + part.pos.length);
}

Deno.test("parses the PRODUCT.md example shape: kinds, modifiers, inputs, defaults", () => {
  const wf = ok(`description: d
region: ap-guangzhou
inputs:
  taskId: { type: string, description: task }
  topics: { type: list, default: [] }
  queueNum: { type: integer, default: 8 }
  apiKey: { type: string, secret: true }
defaults:
  retry: { attempts: 5, delay: 1s, max_delay: 20s, multiplier: 2, jitter: full }
  timeout: 30s
schedule: "0 3 * * *"
env: [STAGE]
rollback: on_failure
steps:
  - id: topics
    action: trocket.DescribeTopicList
    version: "2023-03-08"
    with: { InstanceId: "\${{ inputs.taskId }}" }
    paginate: true
    until: \${{ steps.topics.outputs.TotalCount >= 1 }}
    poll: { interval: 5s, timeout: 10m }
    retry: { attempts: 2 }
    on_error: continue
  - id: bind
    action: tencentcloud/apigateway.BindEnvironment
    foreach: \${{ ["test", "release"] }}
    concurrency: 2
    with: { Environment: \${{ item }} }
    undo:
      action: apigateway.UnBindEnvironment
      with: { Environment: x }
  - id: summary
    set: { n: 1, s: "a-\${{ inputs.taskId }}-b" }
  - id: check
    assert: \${{ true }}
    message: nope
outputs:
  out: \${{ steps.summary.outputs.n }}
`);
  assert.equal(wf.name, "t");
  assert.equal(wf.region, "ap-guangzhou");
  assert.equal(wf.schedule, "0 3 * * *");
  assert.deepEqual(wf.env, ["STAGE"]);
  assert.equal(wf.rollback, "on_failure");
  assert.deepEqual(
    wf.inputs.map((i) => [i.name, i.type, i.required, i.secret, i.default]),
    [
      ["taskId", "string", true, false, undefined],
      ["topics", "list", false, false, []],
      ["queueNum", "integer", false, false, 8n],
      ["apiKey", "string", true, true, undefined],
    ],
  );
  assert.deepEqual(wf.defaults, {
    retry: { attempts: 5, delayMs: 1000, maxDelayMs: 20000, multiplier: 2, jitter: "full", on: [] },
    timeoutMs: 30000,
  });
  assert.deepEqual(wf.steps.map((s) => s.kind), ["action", "action", "set", "assert"]);
  const topics = wf.steps[0] as ActionStep;
  assert.equal(topics.version, "2023-03-08");
  assert.equal(topics.paginate, true);
  assert.equal(topics.onError, "continue");
  assert.deepEqual(topics.poll, { intervalMs: 5000, timeoutMs: 600000 });
  // a step's retry completes the workflow's defaults
  assert.deepEqual(topics.retry, { ...wf.defaults.retry, attempts: 2 });
  const bind = wf.steps[1] as ActionStep;
  assert.deepEqual(
    [bind.action.provider, bind.action.service, bind.action.action],
    ["tencentcloud", "apigateway", "BindEnvironment"],
  );
  assert.equal(bind.concurrency, 2);
  assert.equal(bind.undo?.action.action, "UnBindEnvironment");
  assert.equal(bind.foreach?.kind, "expr");
  assert.equal(wf.outputs[0]?.key, "out");
});

Deno.test("a value that is one expression keeps it; text around expressions makes a template", () => {
  const wf = ok(`steps:
  - id: a
    action: trocket.DescribeTopicList
    with:
      A: \${{ inputs.x }}
      B: "pre-\${{ inputs.x }}-\${{ 1 + 2 }}"
      C: 42
      D: 9223372036854775808
      E: 1.5
      F: [true, null]
`);
  const a = firstWith(wf, "A");
  assert.equal(a.kind, "expr");
  const b = firstWith(wf, "B");
  assert.ok(b.kind === "template");
  assert.deepEqual(
    b.parts.map((p) => typeof p === "string" ? p : `{${p.source}}`),
    ["pre-", "{inputs.x}", "-", "{1 + 2}"],
  );
  assert.deepEqual(firstWith(wf, "C"), { ...firstWith(wf, "C"), kind: "literal", value: 42n });
  assert.equal((firstWith(wf, "D") as { value: unknown }).value, 9223372036854775808n);
  assert.equal((firstWith(wf, "E") as { value: unknown }).value, 1.5);
  const f = firstWith(wf, "F");
  assert.ok(f.kind === "list");
  assert.deepEqual(f.items.map((i) => (i as { value: unknown }).value), [true, null]);
});

Deno.test("expression positions point at the CEL text in every scalar style", () => {
  const body = `steps:
  - id: a
    action: trocket.DescribeTopicList
    with:
      Plain: \${{ inputs.plain }}
      Double: "x \${{ inputs.double }}"
      Single: 'it''s \${{ inputs.single }}'
      Literal: |
        first line
        \${{ inputs.literal }}
      Folded: >-
        folded
        \${{ inputs.folded }}
      Flow: { K: "\${{inputs.flow}}" }
      Colon: \${{ inputs.list.map(t, {"Name": t.name, "N": 1}) }}
`;
  const source = HEAD + body;
  const wf = ok(body);
  const exprs: ExprPart[] = [];
  const collect = (node: ValueNode): void => {
    if (node.kind === "expr") exprs.push(node.expr);
    else if (node.kind === "template") {
      for (const p of node.parts) if (typeof p !== "string") exprs.push(p);
    } else if (node.kind === "map") node.entries.forEach((e) => collect(e.value));
    else if (node.kind === "list") node.items.forEach(collect);
  };
  collect((wf.steps[0] as ActionStep).with);
  assert.deepEqual(exprs.map((e) => e.source), [
    "inputs.plain",
    "inputs.double",
    "inputs.single",
    "inputs.literal",
    "inputs.folded",
    "inputs.flow",
    'inputs.list.map(t, {"Name": t.name, "N": 1})',
  ]);
  for (const e of exprs) {
    assert.equal(textAt(source, e), e.source);
    const lineText = source.split("\n")[e.pos.line - 1]!;
    assert.equal(lineText.slice(e.pos.column - 1, e.pos.column - 1 + e.source.length), e.source);
  }
});

Deno.test("an escaped double-quoted scalar points at the scalar when exact positions are unknown", () => {
  const body = `steps:
  - id: a
    action: trocket.DescribeTopicList
    with: { A: "\\t\${{ inputs.x }}" }
`;
  const wf = ok(body);
  const a = firstWith(wf, "A");
  assert.ok(a.kind === "expr" || a.kind === "template");
  const part = a.kind === "expr" ? a.expr : a.parts.find((p) => typeof p !== "string") as ExprPart;
  assert.equal(part.source, "inputs.x");
  assert.equal(part.pos.column, 16); // the opening quote of the scalar
});

Deno.test("expression syntax problems of the template itself", () => {
  assert.deepEqual(
    codes(`steps:\n  - id: a\n    set: { x: "a \${{ 1 + 2" }\n`),
    ["E_EXPR 5:18"],
  );
  assert.deepEqual(codes(`steps:\n  - id: a\n    set: { x: "\${{ }}" }\n`), ["E_EXPR 5:16"]);
});

Deno.test("YAML syntax errors, duplicate keys, tags and several documents are E_YAML", () => {
  assert.deepEqual(codes("steps: [\n"), ["E_YAML 4:1"].slice(0, codes("steps: [\n").length));
  assert.ok(codes("steps: [\n").every((c) => c.startsWith("E_YAML")));
  assert.deepEqual(codes("steps: []\nname: again\n"), ["E_SCHEMA 3:8", "E_YAML 4:1"]);
  const binary = codes("steps:\n  - id: a\n    set: { x: !!binary aGk= }\n");
  assert.deepEqual(binary, ["E_YAML 5:24"]);
  assert.deepEqual(codes("steps: !custom []\n").map((c) => c.split(" ")[0]), ["E_YAML"]);
  assert.deepEqual(codes("steps: []\n---\nname: x\n").map((c) => c.split(" ")[0]), ["E_YAML"]);
  // core tags are fine
  assert.deepEqual(codes("steps:\n  - id: a\n    set: { x: !!str 5 }\n"), []);
});

Deno.test("a file over 2 MB is refused before parsing", () => {
  const big = HEAD + "steps: []\n" + `# ${"x".repeat(100)}\n`.repeat(21_000);
  const { diagnostics, workflow } = parseWorkflow(big, "big.yaml");
  assert.equal(workflow, undefined);
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0]!.code, "E_YAML");
  assert.match(diagnostics[0]!.message, /too large/);
});

Deno.test("deep nesting is refused: flow and block", () => {
  const flow = parse(`steps:\n  - id: a\n    set: { x: ${"[".repeat(100)}${"]".repeat(100)} }\n`);
  assert.deepEqual(flow.diagnostics.map((d) => d.code), ["E_YAML"]);
  assert.match(flow.diagnostics[0]!.message, /nested deeper than 64/);
  let block = "steps:\n  - id: a\n    set:\n      x:\n";
  for (let i = 0; i < 80; i++) block += `${"  ".repeat(i + 4)}k${i}:\n`;
  block += `${"  ".repeat(84)}v\n`;
  const deep = parse(block);
  assert.deepEqual(deep.diagnostics.map((d) => d.code), ["E_YAML"]);
  // 10,000 levels do not crash the parser
  const huge = parse(`steps: ${"- ".repeat(10_000)}x\n`);
  assert.ok(huge.diagnostics.length >= 1);
  assert.ok(huge.diagnostics.every((d) => d.code === "E_YAML" || d.code === "E_SCHEMA"));
});

Deno.test("an alias bomb is refused", () => {
  let yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (let i = 1; i < 10; i++) {
    yaml += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]\n`;
  }
  const result = parseWorkflow(
    HEAD + "steps:\n  - id: a\n    set:\n      bomb: *a9\n" + "unused:\n" +
      yaml.replace(/^/gm, "  "),
    "bomb.yaml",
  );
  const yamlErrors = result.diagnostics.filter((d) => d.code === "E_YAML");
  assert.equal(yamlErrors.length, 1);
  assert.match(yamlErrors[0]!.message, /alias/);
  // a few aliases are fine
  const few = parse("steps:\n  - id: a\n    set: { x: &v 5, y: *v }\n");
  assert.deepEqual(few.diagnostics, []);
  const set = few.workflow!.steps[0]!;
  assert.ok(set.kind === "set");
  assert.deepEqual(set.set.entries.map((e) => (e.value as { value: unknown }).value), [5n, 5n]);
});

Deno.test("document shape: missing parts, unknown keys with did-you-mean, wrong version", () => {
  assert.deepEqual(codes("stpes: []\n"), ["E_SCHEMA 1:1", "E_SCHEMA 3:1"]);
  assert.match(parse("stpes: []\n").diagnostics[1]!.message, /did you mean `steps`/);
  const v2 = parseWorkflow("tcflow: 2\nname: x\nsteps: []\n", "v.yaml");
  assert.deepEqual(v2.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`), [
    "E_VERSION 1:9",
    "E_SCHEMA 3:8",
  ]);
  const none = parseWorkflow("name: x\nsteps:\n  - id: a\n    set: {}\n", "v.yaml");
  assert.deepEqual(none.diagnostics.map((d) => d.code), ["E_VERSION"]);
  assert.deepEqual(parseWorkflow("- a\n", "l.yaml").diagnostics.map((d) => d.code), ["E_SCHEMA"]);
  assert.deepEqual(parseWorkflow("", "e.yaml").diagnostics.map((d) => d.code), ["E_SCHEMA"]);
});

Deno.test("step shape problems", () => {
  assert.deepEqual(
    codes(`steps:
  - id: a
    actoin: trocket.DescribeTopicList
  - id: b
    action: trocket.DescribeTopicList
    set: { x: 1 }
  - action: trocket.DescribeTopicList
  - id: c
    set: { x: 1 }
    with: { y: 2 }
  - id: d
    action: DescribeTopicList
  - id: e
    action: trocket.DescribeTopicList
    concurrency: 0
    on_error: ignore
    paginate: "yes"
`),
    [
      "E_SCHEMA 4:9",
      "E_SCHEMA 5:5",
      "E_SCHEMA 6:9",
      "E_SCHEMA 9:5",
      "E_SCHEMA 12:5",
      "E_UNKNOWN_ACTION 14:13",
      "E_SCHEMA 17:5",
      "E_SCHEMA 17:18",
      "E_SCHEMA 18:15",
      "E_SCHEMA 19:15",
    ],
  );
  const result = parse("steps:\n  - id: a\n    actoin: x\n  - id: b\n    set: {}\n");
  assert.deepEqual(result.brokenStepIds, ["a"]);
  assert.deepEqual(result.workflow?.steps.map((s) => s.id), ["b"]);
});

Deno.test("durations, retry bounds, cron and inputs", () => {
  assert.deepEqual(
    codes(`defaults:
  timeout: 30
  retry: { attempts: 0, delay: 2m, max_delay: 1m, jitter: fulll, on: [ResourceInUse, "bad code!"] }
schedule: "0 25 * * *"
inputs:
  n: { type: integr }
  m: { type: integer, default: "x" }
  "bad name": string
  k: { type: string, default: "\${{ 1 }}" }
steps:
  - id: a
    action: trocket.DescribeTopicList
    timeout: 1 minute
    until: \${{ true }}
    poll: { interval: 0s }
`),
    [
      "E_DURATION 4:12",
      "E_RETRY 5:22",
      "E_RETRY 5:59",
      "E_RETRY 5:86",
      "E_CRON 6:11",
      "E_INPUT 8:14",
      "E_INPUT 9:32",
      "E_INPUT 10:3",
      "E_INPUT 11:31",
      "E_DURATION 15:14",
      "E_DURATION 17:23",
    ],
  );
  const wf = ok(`defaults:
  retry: { delay: 2s, on: ResourceInUse }
inputs:
  a: integer
  b: { default: 1.5 }
  c: { type: any, required: false }
steps:
  - id: a
    action: trocket.DescribeTopicList
    until: \${{ true }}
`);
  assert.deepEqual(wf.defaults.retry, {
    attempts: 5,
    delayMs: 2000,
    maxDelayMs: 20000,
    multiplier: 2,
    jitter: "full",
    on: ["ResourceInUse"],
  });
  assert.deepEqual(wf.inputs.map((i) => [i.name, i.type, i.required]), [
    ["a", "integer", true],
    ["b", "number", false],
    ["c", "any", false],
  ]);
  assert.deepEqual((wf.steps[0] as ActionStep).poll, { intervalMs: 5000, timeoutMs: 300000 });
});

Deno.test("retry: { delay: 2s } keeps the documented 5 attempts and 20 s cap (PRODUCT.md 13)", () => {
  const documented = { attempts: 5, maxDelayMs: 20_000, multiplier: 2, jitter: "full" };
  const wf = ok(`defaults:
  retry: { delay: 2s }
steps:
  - id: a
    action: trocket.DescribeTopicList
    retry: { delay: 3s }
`);
  assert.deepEqual(wf.defaults.retry, { ...documented, delayMs: 2_000, on: [] });
  const step = wf.steps[0] as ActionStep;
  // a step's partial retry completes the workflow's defaults, which complete the documented ones
  assert.deepEqual(step.retry, { ...documented, delayMs: 3_000, on: [] });
  const alone = ok(`steps:
  - id: a
    action: trocket.DescribeTopicList
    retry: { delay: 2s }
`).steps[0] as ActionStep;
  assert.deepEqual(alone.retry, { ...documented, delayMs: 2_000, on: [] });
});

Deno.test("a secret input's default never appears in a diagnostic", () => {
  const { diagnostics } = parse(
    "inputs:\n  key: { type: integer, secret: true, default: sk-live-123 }\nsteps:\n  - id: a\n    set: {}\n",
  );
  assert.deepEqual(diagnostics.map((d) => d.code), ["E_INPUT"]);
  assert.ok(!diagnostics[0]!.message.includes("sk-live-123"), diagnostics[0]!.message);
});

Deno.test("expressions may hold YAML syntax: flow braces, `: `, ` #`, commas", () => {
  const body = `steps:
  - id: a
    set: { x: \${{ {"k": [1, 2]}["k"] }}, y: \${{ "a #b, c: d" }} }
  - id: b
    set:
      z: \${{ "#" + "x" }} # a real comment
`;
  const wf = ok(body);
  const values = wf.steps.flatMap((s) => s.kind === "set" ? s.set.entries : []);
  assert.deepEqual(
    values.map((e) => [e.key, e.value.kind === "expr" ? e.value.expr.source : e.value.kind]),
    [["x", '{"k": [1, 2]}["k"]'], ["y", '"a #b, c: d"'], ["z", '"#" + "x"']],
  );
});
