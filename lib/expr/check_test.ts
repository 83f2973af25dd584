import assert from "node:assert/strict";
import { checkExpr, exprPaths } from "./check.ts";
import type { ExprProblem } from "./check.ts";
import { isAssignable, listOf, mapOf, objectOf, T, typeToString } from "./types.ts";
import type { ExprType } from "./types.ts";

const usagePlan = objectOf("UsagePlanInfo", {
  UsagePlanId: T.string,
  UsagePlanName: T.string,
  MaxRequestNum: T.int,
});
const topicItem = objectOf("TopicItem", { Topic: T.string, QueueNum: T.int });
const scope: Record<string, ExprType> = {
  inputs: objectOf("inputs", {
    taskId: T.string,
    topics: listOf(objectOf("topic", { name: T.string })),
    queueNum: T.int,
    ratio: T.double,
    price: T.number,
    labels: mapOf(T.string, T.string),
    anything: T.dyn,
  }),
  steps: objectOf(
    "steps",
    {
      plan: objectOf("step `plan`", {
        outputs: objectOf("apigateway.CreateUsagePlan response", { Result: usagePlan }),
        status: T.string,
        request_id: T.string,
      }),
      topics: objectOf("step `topics`", {
        outputs: objectOf("trocket.DescribeTopicList response", {
          TotalCount: T.int,
          Data: listOf(topicItem),
        }),
      }),
    },
    (name) => (name === "bind" ? 'step "bind" runs after this one' : undefined),
  ),
  run: objectOf("run", { id: T.string }),
};

function check(source: string): { type: string; problems: ExprProblem[] } {
  const { type, problems } = checkExpr(source, scope);
  return { type: typeToString(type), problems };
}

function ok(source: string, type: string) {
  const r = check(source);
  assert.deepEqual(r.problems, [], `${source}: ${JSON.stringify(r.problems)}`);
  assert.equal(r.type, type, source);
}

function bad(source: string, ...expected: Array<[ExprProblem["code"], number, number, RegExp]>) {
  const { problems } = check(source);
  assert.equal(problems.length, expected.length, `${source}: ${JSON.stringify(problems)}`);
  expected.forEach(([code, offset, length, message], i) => {
    const p = problems[i]!;
    assert.equal(p.code, code, `${source}: ${p.message}`);
    assert.equal(p.offset, offset, `${source}: offset of ${p.message}`);
    assert.equal(p.length, length, `${source}: length of ${p.message}`);
    assert.match(p.message, message);
  });
}

Deno.test("check: types of good expressions", () => {
  ok("inputs.taskId", "string");
  ok("steps.plan.outputs.Result.UsagePlanId", "string");
  ok("steps.topics.outputs.TotalCount >= size(inputs.topics)", "bool");
  ok("steps.topics.outputs.Data.map(t, t.Topic)", "list(string)");
  ok("steps.topics.outputs.Data.filter(t, t.QueueNum > 4)", "list(TopicItem)");
  ok("steps.topics.outputs.Data.exists(t, t.Topic == 'a')", "bool");
  ok("steps.topics.outputs.Data.all(t, t.QueueNum > 0)", "bool");
  ok("steps.topics.outputs.Data.exists_one(t, t.QueueNum > 0)", "bool");
  ok("steps.topics.outputs.Data.map(t, t.QueueNum > 1, t.Topic)", "list(string)");
  ok(
    'inputs.topics.map(t, {"TopicName": t.name, "TopicType": "NORMAL", "QueueNum": inputs.queueNum})',
    "list({TopicName: string, TopicType: string, QueueNum: int})",
  );
  ok('{"a": "x", "b": inputs.taskId}', "{a: string, b: string}");
  ok('{"a": "x", "b": inputs.taskId}.b', "string");
  ok("{inputs.taskId: 1}", "map(string, int)");
  ok("{}", "map(string, dyn)");
  ok("[{'a': 1}, {'b': 2}]", "list(map(string, dyn))");
  ok("{'a': 1, 'b': 2}.map(k, k)", "list(string)");
  ok('["test", "release"]', "list(string)");
  ok("[1, 2.5]", "list(number)");
  ok('[1, "a"]', "list(dyn)");
  ok("[]", "list(dyn)");
  ok("size(inputs.topics) > 0 ? inputs.taskId : 'none'", "string");
  ok("inputs.queueNum * 2 + 1", "int");
  ok("inputs.ratio * 2.0", "double");
  ok("inputs.price * 2", "number");
  ok("inputs.price + 1.5", "double");
  ok("inputs.queueNum < inputs.ratio", "bool");
  ok(
    "inputs.taskId.startsWith('t-') && inputs.taskId.contains('x') || inputs.taskId.endsWith('z')",
    "bool",
  );
  ok("inputs.taskId.matches('^t-[0-9]+$')", "bool");
  ok("inputs.taskId.lowerAscii() + inputs.taskId.upperAscii()", "string");
  ok("inputs.taskId.split('-')", "list(string)");
  ok("inputs.taskId.split('-').join(',')", "string");
  ok("inputs.taskId.size()", "int");
  ok("int(inputs.taskId) + int(2.5)", "int");
  ok("uint(inputs.queueNum)", "uint");
  ok("double(inputs.queueNum)", "double");
  ok("string(inputs.queueNum) + string(1.5) + string(true)", "string");
  ok("'a' in ['a', 'b']", "bool");
  ok("'k' in inputs.labels", "bool");
  ok("inputs.labels['k']", "string");
  ok("inputs.labels.k", "string");
  ok("steps.topics.outputs.Data[0].Topic", "string");
  ok("steps.plan.outputs['Result'].UsagePlanName", "string");
  ok("has(steps.plan.outputs.Result)", "bool");
  ok("has(inputs.labels.k)", "bool");
  ok("inputs.anything.whatever[3].more + 1", "dyn");
  ok("inputs.anything.contains('x')", "bool");
  ok("timestamp('2024-01-01T00:00:00Z') + duration('1h')", "timestamp");
  ok("timestamp('2024-01-02T00:00:00Z') - timestamp('2024-01-01T00:00:00Z')", "duration");
  ok("cel.bind(n, size(inputs.topics), n * n)", "int");
  ok("1u + 2u", "uint");
  ok("-9223372036854775808", "int");
  ok("!(inputs.queueNum > 2)", "bool");
  ok("steps.plan.status == 'succeeded' && run.id != ''", "bool");
  ok("inputs.taskId == null", "bool");
});

Deno.test("check: parse errors are E_EXPR at the offset of the error", () => {
  bad("1 +", ["E_EXPR", 2, 1, /unexpected token/i]);
  bad("inputs.taskId )", ["E_EXPR", 14, 1, /unexpected/i]);
  bad("'abc", ["E_EXPR", 0, 4, /unterminated/i]);
  bad("a # b", ["E_EXPR", 2, 1, /unexpected character/i]);
  bad("", ["E_EXPR", 0, 1, /empty/]);
  bad("9223372036854775808", ["E_EXPR", 0, 19, /out of range/]);
});

Deno.test("check: unknown names and fields are E_REF with did-you-mean", () => {
  bad("input.taskId", ["E_REF", 0, 5, /^unknown name `input`, did you mean `inputs`\?$/]);
  bad(
    "steps.plan.outputs.Result.UsagePlanID",
    ["E_REF", 26, 11, /no field `UsagePlanID`, did you mean `UsagePlanId`\?/],
  );
  bad("steps.bind.outputs.X", ["E_REF", 6, 4, /^step "bind" runs after this one$/]);
  bad("steps.topics.outputs.Data.map(t, t.Topik)", ["E_REF", 35, 5, /did you mean `Topic`/]);
  bad("sise(inputs.topics)", ["E_REF", 0, 4, /unknown function `sise`, did you mean `size`\?/]);
  bad("inputs.taskId.startWith('a')", [
    "E_REF",
    14,
    9,
    /unknown method `startWith`, did you mean `startsWith`\?/,
  ]);
  bad("has(steps.plan.outputs.Nope)", ["E_REF", 23, 4, /no field `Nope`/]);
  bad("steps.plan.outputs['Reslt']", ["E_REF", 19, 7, /did you mean `Result`/]);
  // a macro variable is only in scope inside the macro
  bad("inputs.topics.map(t, t.name) + [t]", ["E_REF", 32, 1, /unknown name `t`/]);
});

Deno.test("check: operator and function type errors are E_TYPE", () => {
  bad('"a" + 1', [
    "E_TYPE",
    0,
    7,
    /cannot be applied to string and int; convert with `string\(…\)`/,
  ]);
  bad("size(3)", ["E_TYPE", 0, 7, /no overload of `size` for \(int\)/]);
  bad("inputs.taskId == 1", ["E_TYPE", 0, 18, /cannot compare string with int/]);
  bad("inputs.taskId < 1", ["E_TYPE", 0, 17, /cannot compare string with int/]);
  bad("inputs.queueNum + 1.5", ["E_TYPE", 0, 21, /int and double/]);
  bad("inputs.taskId.contains(1)", [
    "E_TYPE",
    0,
    25,
    /no overload of `string.contains` for \(int\)/,
  ]);
  bad("inputs.queueNum.contains('a')", ["E_TYPE", 0, 29, /`contains` is not a method of int/]);
  bad("inputs.taskId.contains()", ["E_TYPE", 0, 24, /takes 1 argument, got 0/]);
  bad("inputs.topics.map(t, t.name).join(1)", ["E_TYPE", 0, 36, /no overload/]);
  bad("steps.topics.outputs.Data.join(',')", ["E_TYPE", 0, 35, /needs a list of strings/]);
  bad("inputs.queueNum ? 1 : 2", ["E_TYPE", 0, 15, /condition of `\?:` must be bool, got int/]);
  bad("true ? 1 : 'a'", ["E_TYPE", 0, 14, /different types: int and string/]);
  bad("inputs.topics.filter(t, t.name)", [
    "E_TYPE",
    24,
    6,
    /predicate of `filter` must be bool, got string/,
  ]);
  bad("inputs.taskId.map(c, c)", ["E_TYPE", 0, 13, /needs a list or a map, got string/]);
  bad("inputs.queueNum && true", ["E_TYPE", 0, 15, /needs bool operands, got int/]);
  bad("!inputs.taskId", ["E_TYPE", 0, 14, /`!` needs a bool/]);
  bad("-inputs.taskId", ["E_TYPE", 0, 14, /`-` cannot be applied to string/]);
  bad("inputs.taskId.Foo", ["E_TYPE", 14, 3, /cannot select field `Foo` on string/]);
  bad("inputs.topics['x']", ["E_TYPE", 14, 3, /list index must be an int, got string/]);
  bad("1 in inputs.taskId", ["E_TYPE", 0, 18, /needs a list or a map/]);
  bad("1 in ['a']", ["E_TYPE", 0, 10, /cannot look for int in list\(string\)/]);
  bad("{1: 'a'}", ["E_TYPE", 1, 1, /map keys must be strings, got int/]);
  bad("1u + 1", ["E_TYPE", 0, 6, /uint and int/]);
  bad("2.5 % 2.0", ["E_TYPE", 0, 9, /`%`/]);
});

Deno.test("check: every problem of an expression at once", () => {
  const { problems } = checkExpr(
    "input.x + steps.plan.outputs.Result.UsagePlanID + size(3)",
    scope,
  );
  assert.deepEqual(problems.map((p) => [p.code, p.offset]), [["E_REF", 0], ["E_REF", 36], [
    "E_TYPE",
    50,
  ]]);
});

Deno.test("check: dyn absorbs everything", () => {
  const { problems, type } = checkExpr(
    "inputs.anything + 1 == inputs.anything.x && size(inputs.anything) > 0",
    scope,
  );
  assert.deepEqual(problems, []);
  assert.equal(type.kind, "bool");
  ok("inputs.anything.map(x, x.y).filter(z, z)", "list(dyn)");
});

Deno.test("check: a map literal with constant keys is a record that fills structures", () => {
  const config = objectOf("SourceClusterTopicConfig", { TopicName: T.string, QueueNum: T.int });
  const { type } = checkExpr(
    "inputs.topics.map(t, {'TopicName': t.name, 'QueueNum': inputs.queueNum})",
    scope,
  );
  assert.ok(isAssignable(type, listOf(config)));
  const typo = checkExpr("inputs.topics.map(t, {'TopicNam': t.name})", scope).type;
  assert.ok(!isAssignable(typo, listOf(config)), "an unknown field does not fit");
  const wrong = checkExpr("inputs.topics.map(t, {'QueueNum': t.name})", scope).type;
  assert.ok(!isAssignable(wrong, listOf(config)), "a field of the wrong type does not fit");
  bad("{'a': 1}.b", ["E_REF", 9, 1, /`\{a: int\}` has no field `b`/]);
});

Deno.test("check: map literal keys", () => {
  bad("{'__proto__': 1}", ["E_EXPR", 1, 11, /__proto__/]);
  bad("{'a': 1, 'a': 2}", ["E_EXPR", 9, 3, /duplicate map key "a"/]);
});

Deno.test("check: deep nesting is E_EXPR, not a crash", () => {
  const deep = "(".repeat(150) + "1" + ")".repeat(150);
  const r = checkExpr(deep, scope);
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.code, "E_EXPR");
  assert.match(r.problems[0]!.message, /nested too deeply/);
  const bangs = checkExpr("!".repeat(100_000) + "true", scope);
  assert.equal(bangs.problems[0]!.code, "E_EXPR");
  const fine = "(".repeat(50) + "1" + ")".repeat(50);
  assert.deepEqual(checkExpr(fine, scope).problems, []);
});

Deno.test("exprPaths lists the member paths read from the scope", () => {
  assert.deepEqual(exprPaths("steps.plan.outputs.Result.UsagePlanId"), [
    ["steps", "plan", "outputs", "Result", "UsagePlanId"],
  ]);
  assert.deepEqual(
    exprPaths("steps.topics.outputs.Data.map(t, t.Topic) + [inputs.x, steps['a'].outputs[0]]"),
    [["steps", "topics", "outputs", "Data"], ["inputs", "x"], ["steps", "a", "outputs"]],
  );
  assert.deepEqual(exprPaths("size(inputs.topics) > 0 && size(inputs.topics) < 9"), [[
    "inputs",
    "topics",
  ]]);
  assert.deepEqual(exprPaths("cel.bind(x, inputs.a, x + item)"), [["inputs", "a"], ["item"]]);
  assert.deepEqual(exprPaths("1 +"), []);
});
