import assert from "node:assert/strict";
import { containsPlaceholder, resolveValue } from "./resolve.ts";
import { ExprError, Placeholder } from "./evaluate.ts";
import type { ExprPart, Pos, ValueNode } from "./value.ts";
import { parseJson, stringifyJson } from "../json.ts";

function pos(line: number, column: number, offset = 0): Pos {
  return { line, column, offset, length: 1 };
}

function expr(source: string, at = pos(1, 4, 3)): ExprPart {
  return { source, pos: at };
}

const P = pos(1, 1);

const vars = {
  inputs: { taskId: "t-1", n: 7n, topics: ["a", "b"], none: null, ok: true, ratio: 1.5 },
  steps: {
    a: parseJson('{"outputs": {"X": 18446744073709551615}}'),
    plan: { outputs: new Placeholder("<apigateway.CreateUsagePlan>") },
  },
};

Deno.test("resolve: an expression value keeps its type", () => {
  assert.equal(resolveValue({ kind: "expr", expr: expr(" inputs.n "), pos: P }, vars), 7n);
  assert.deepEqual(
    resolveValue({ kind: "expr", expr: expr("inputs.topics.map(t, t + '!')"), pos: P }, vars),
    ["a!", "b!"],
  );
  assert.equal(
    resolveValue({ kind: "expr", expr: expr("steps.a.outputs.X"), pos: P }, vars),
    18446744073709551615n,
  );
});

Deno.test("resolve: templates interpolate as text", () => {
  const node: ValueNode = {
    kind: "template",
    parts: [
      "id=",
      expr("steps.a.outputs.X"),
      " n=",
      expr("inputs.n"),
      " s=",
      expr("inputs.taskId"),
      " none=",
      expr("inputs.none"),
      " ok=",
      expr("inputs.ok"),
      " r=",
      expr("inputs.ratio"),
      " list=",
      expr("[inputs.n, 'x']"),
      " map=",
      expr("{'k': inputs.n}"),
    ],
    pos: P,
  };
  assert.equal(
    resolveValue(node, vars),
    'id=18446744073709551615 n=7 s=t-1 none= ok=true r=1.5 list=[7,"x"] map={"k":7}',
  );
});

Deno.test("resolve: lists and maps resolve item by item", () => {
  const node: ValueNode = {
    kind: "map",
    pos: P,
    entries: [
      {
        key: "UsagePlanIds",
        keyPos: P,
        value: {
          kind: "list",
          pos: P,
          items: [{ kind: "expr", expr: expr("steps.a.outputs.X"), pos: P }],
        },
      },
      { key: "ServiceId", keyPos: P, value: { kind: "literal", value: "service-1", pos: P } },
      {
        key: "Name",
        keyPos: P,
        value: { kind: "template", parts: ["migrated-", expr("inputs.taskId")], pos: P },
      },
      { key: "__proto__", keyPos: P, value: { kind: "literal", value: 1, pos: P } },
    ],
  };
  const out = resolveValue(node, vars) as Record<string, unknown>;
  assert.equal(
    stringifyJson(out),
    '{"UsagePlanIds":[18446744073709551615],"ServiceId":"service-1","Name":"migrated-t-1","__proto__":1}',
  );
  assert.equal(Object.getPrototypeOf(out), Object.prototype, "a `__proto__` key stays data");
});

Deno.test("resolve: placeholders flow through and are detectable", () => {
  const id = resolveValue({
    kind: "expr",
    expr: expr("steps.plan.outputs.Result.UsagePlanId"),
    pos: P,
  }, vars);
  assert.ok(id instanceof Placeholder);
  assert.equal(id.label, "<apigateway.CreateUsagePlan.Result.UsagePlanId>");
  const text = resolveValue(
    { kind: "template", parts: ["plan-", expr("steps.plan.outputs.Result.UsagePlanId")], pos: P },
    vars,
  );
  assert.ok(text instanceof Placeholder);
  assert.equal(text.label, "plan-<apigateway.CreateUsagePlan.Result.UsagePlanId>");
  const body = resolveValue({
    kind: "map",
    pos: P,
    entries: [{
      key: "Ids",
      keyPos: P,
      value: {
        kind: "list",
        pos: P,
        items: [{ kind: "expr", expr: expr("steps.plan.outputs.Result.UsagePlanId"), pos: P }],
      },
    }],
  }, vars);
  assert.ok(containsPlaceholder(body));
  assert.equal(stringifyJson(body), '{"Ids":["<apigateway.CreateUsagePlan.Result.UsagePlanId>"]}');
  assert.ok(!containsPlaceholder({ a: [1n, "x", { b: null }] }));
});

Deno.test("resolve: errors carry the position of the offending text", () => {
  const part = expr("inputs.nope", { line: 3, column: 14, offset: 40, length: 11 });
  assert.throws(() => resolveValue({ kind: "expr", expr: part, pos: P }, vars), (e: unknown) => {
    assert.ok(e instanceof ExprError);
    assert.equal(e.code, "E_EVAL");
    assert.deepEqual(e.pos, { line: 3, column: 21, offset: 47, length: 4 });
    return true;
  });
  const multiline = expr("inputs.n +\n  inputs.nope", {
    line: 5,
    column: 3,
    offset: 90,
    length: 24,
  });
  assert.throws(
    () => resolveValue({ kind: "template", parts: ["x", multiline], pos: P }, vars),
    (e: unknown) => {
      assert.ok(e instanceof ExprError);
      assert.equal(e.code, "E_EVAL");
      assert.equal(e.offset, 20);
      assert.deepEqual(e.pos, { line: 5, column: 3, offset: 90, length: 24 });
      return true;
    },
  );
});
