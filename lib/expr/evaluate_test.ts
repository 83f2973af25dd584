import assert from "node:assert/strict";
import { evaluateExpr, ExprError, Placeholder } from "./evaluate.ts";
import { parseJson, stringifyJson } from "../json.ts";

const vars = () => ({
  inputs: {
    taskId: "task-1",
    topics: [{ name: "orders" }, { name: "payments" }],
    queueNum: 8n,
    ratio: 0.5,
    labels: { env: "prod" },
  },
  steps: {
    a: parseJson(
      '{"outputs": {"X": 18446744073709551615, "Big": 9223372036854775807, "L": [1, 2, 3]}}',
    ),
    plan: { outputs: new Placeholder("<apigateway.CreateUsagePlan>") },
  },
  item: "release",
  index: 1n,
});

function run(source: string): unknown {
  return evaluateExpr(source, vars());
}

function fails(source: string, code: string, message: RegExp, offset?: number) {
  assert.throws(() => run(source), (e: unknown) => {
    assert.ok(e instanceof ExprError, `${source}: ${e}`);
    assert.equal(e.code, code, `${source}: ${e.message}`);
    assert.match(e.message, message);
    if (offset !== undefined) assert.equal(e.offset, offset, `${source}: offset`);
    return true;
  });
}

Deno.test("evaluate: uint64 from a response survives a round trip unchanged", () => {
  const x = run("steps.a.outputs.X");
  assert.equal(x, 18446744073709551615n);
  assert.equal(stringifyJson({ X: x }), '{"X":18446744073709551615}');
  assert.deepEqual(run("[steps.a.outputs.X]"), [18446744073709551615n]);
  assert.deepEqual(run("{'Id': steps.a.outputs.X}"), { Id: 18446744073709551615n });
  assert.equal(run("steps.a.outputs.X == 18446744073709551615u"), true);
  assert.equal(run("string(steps.a.outputs.X)"), "18446744073709551615");
});

Deno.test("evaluate: integer arithmetic is exact and overflow is an error", () => {
  assert.equal(run("steps.a.outputs.Big - 1"), 9223372036854775806n);
  assert.equal(run("inputs.queueNum * 3 / 2 % 5"), 2n);
  assert.equal(run("-7 / 2"), -3n, "truncates toward zero");
  fails("steps.a.outputs.Big + 1", "E_EVAL", /integer overflow/, 0);
  fails("9223372036854775807 * 2", "E_EVAL", /integer overflow/);
  fails("-9223372036854775808 / -1", "E_EVAL", /integer overflow/);
  fails("steps.a.outputs.X + 1", "E_EVAL", /integer overflow/);
  fails("inputs.queueNum / 0", "E_EVAL", /division by zero/);
  fails("inputs.queueNum % 0", "E_EVAL", /modulus by zero/);
  fails("0u - 1u", "E_EVAL", /unsigned integer overflow/);
  assert.equal(run("18446744073709551615u"), 18446744073709551615n);
  assert.equal(run("-9223372036854775808"), -9223372036854775808n);
});

Deno.test("evaluate: doubles, mixed comparisons and conversions", () => {
  assert.equal(run("inputs.ratio * 3.0"), 1.5);
  assert.equal(run("1 == 1.0"), true);
  assert.equal(run("1 < 1.5 && 2u > 1"), true);
  assert.equal(run("int('42') + int(2.9)"), 44n);
  assert.equal(run("double('1.5')"), 1.5);
  assert.equal(run("uint(7)"), 7n);
  assert.equal(run("string(1.5) + string(true) + string(3)"), "1.5true3");
  fails("int('x')", "E_EVAL", /cannot convert the string to int/);
  fails("int('9223372036854775808')", "E_EVAL", /overflow/);
  fails("uint(-1)", "E_EVAL", /overflow/);
});

Deno.test("evaluate: strings and lists", () => {
  assert.equal(run("'migrated-' + inputs.taskId"), "migrated-task-1");
  assert.equal(run("inputs.taskId.startsWith('task') && inputs.taskId.endsWith('1')"), true);
  assert.equal(run("inputs.taskId.contains('sk-')"), true);
  assert.equal(run("'AbC'.lowerAscii() + 'AbC'.upperAscii()"), "abcABC");
  assert.equal(run("'  x '.trim()"), "x");
  assert.equal(run("'héllo'.size() + size('héllo')"), 10n);
  assert.equal(run("'a-b-c'.split('-').join('+')"), "a+b+c");
  assert.equal(run("'hello'.indexOf('l') + 'hello'.lastIndexOf('l')"), 5n);
  assert.equal(run("'hello'.substring(1, 3)"), "el");
  assert.equal(run("'a.b.c'.replace('.', '-')"), "a-b-c");
  assert.equal(run("'a.b.c'.replace('.', '-', 1)"), "a-b.c");
  assert.equal(run("'a.b.c'.replace('.', '-', 0)"), "a.b.c");
  assert.equal(run("'a.b'.replace('x', '-')"), "a.b");
  assert.equal(run("'héllo'.charAt(1) + 'ab'.charAt(2)"), "é");
  assert.equal(run("inputs.taskId.matches('^task-[0-9]+$')"), true);
  assert.equal(run("matches('abc', 'b')"), true);
  assert.deepEqual(run("steps.a.outputs.L + [4]"), [1n, 2n, 3n, 4n]);
  assert.equal(run("steps.a.outputs.L[2]"), 3n);
  assert.equal(run("size(steps.a.outputs.L)"), 3n);
  assert.equal(run("2 in steps.a.outputs.L"), true);
  assert.equal(run("'env' in inputs.labels && !('x' in inputs.labels)"), true);
  assert.equal(run("inputs.labels['env']"), "prod");
  fails("steps.a.outputs.L[3]", "E_EVAL", /index out of range \(list of \d+\)/);
  fails("inputs.labels['nope']", "E_EVAL", /no such key `nope` in `inputs.labels`/, 14);
  fails("inputs.labels[inputs.taskId]", "E_EVAL", /^no such key in the map$/);
});

Deno.test("evaluate: macros bind their variable", () => {
  assert.deepEqual(
    run(
      'inputs.topics.map(t, {"TopicName": t.name, "TopicType": "NORMAL", "QueueNum": inputs.queueNum})',
    ),
    [
      { TopicName: "orders", TopicType: "NORMAL", QueueNum: 8n },
      { TopicName: "payments", TopicType: "NORMAL", QueueNum: 8n },
    ],
  );
  assert.deepEqual(run("steps.a.outputs.L.filter(x, x > 1)"), [2n, 3n]);
  assert.deepEqual(run("steps.a.outputs.L.map(x, x % 2 == 1, x * 10)"), [10n, 30n]);
  assert.equal(run("steps.a.outputs.L.all(x, x > 0)"), true);
  assert.equal(run("steps.a.outputs.L.exists(x, x == 2)"), true);
  assert.equal(run("steps.a.outputs.L.exists_one(x, x > 1)"), false);
  assert.deepEqual(run("inputs.labels.map(k, k)"), ["env"]);
  assert.equal(run("cel.bind(n, size(inputs.topics), n * n)"), 4n);
  assert.equal(run("has(inputs.labels.env) && !has(inputs.labels.nope)"), true);
  // errors are absorbed when another element decides, as in CEL
  assert.equal(run("[0, 1].exists(x, 1 / x == 1)"), true);
  fails("[0, 2].exists(x, 1 / x == 1)", "E_EVAL", /division by zero/);
  assert.equal(run("false && 1 / 0 == 1"), false);
  assert.equal(run("1 / 0 == 1 || true"), true);
});

Deno.test("evaluate: ternary, item and index, timestamps", () => {
  assert.equal(run("index > 0 ? item : 'first'"), "release");
  assert.equal(
    run("timestamp('2024-01-01T00:00:00Z') + duration('1h30m')"),
    "2024-01-01T01:30:00.000Z",
  );
  assert.equal(
    run("timestamp('2024-01-02T00:00:00Z') - timestamp('2024-01-01T00:00:00Z') == duration('24h')"),
    true,
  );
  assert.equal(run("timestamp('2024-03-05T06:07:08Z').getFullYear()"), 2024n);
  assert.equal(run("int(timestamp('1970-01-01T00:01:00Z'))"), 60n);
  assert.equal(run("timestamp('2024-03-05T20:07:08Z').getHours('Asia/Shanghai')"), 4n);
  assert.equal(run("timestamp('2024-03-05T20:07:08Z').getDayOfWeek('Asia/Shanghai')"), 3n);
  assert.equal(run("timestamp('2024-03-05T20:07:08Z').getHours('-05:30')"), 14n);
  assert.equal(run("timestamp('2024-03-05T20:07:08Z').getMinutes('-05:30')"), 37n);
  assert.equal(run("timestamp('2024-12-31T23:00:00Z').getFullYear('+01:00')"), 2025n);
  assert.equal(run("timestamp('2024-02-01T00:00:00Z').getDayOfYear()"), 31n);
  fails("timestamp('2024-03-05T20:07:08Z').getHours('Mars/Base')", "E_EVAL", /unknown time zone/);
});

Deno.test("evaluate: runtime errors carry codes and offsets", () => {
  fails("inputs.nope", "E_EVAL", /no such key `nope`/, 7);
  fails("inputs.taskId.x", "E_TYPE", /cannot select field `x` on string/, 14);
  fails("inputs.topics[0].nam", "E_EVAL", /no such key `nam`/, 17);
  fails("nope + 1", "E_REF", /unknown name `nope`/, 0);
  fails("inputs.taskId + 1", "E_TYPE", /no such overload: string \+ int/);
  fails("1 +", "E_EXPR", /unexpected/, 2);
  fails("inputs.queueNum ? 1 : 2", "E_TYPE", /must be bool/);
  fails("sise(1)", "E_REF", /unknown function `sise`/);
  fails("inputs.queueNum.contains('x')", "E_TYPE", /not a method of int/);
});

Deno.test("placeholders: a member path extends the label", () => {
  const p = run("steps.plan.outputs.Result.UsagePlanId");
  assert.ok(p instanceof Placeholder);
  assert.equal(p.label, "<apigateway.CreateUsagePlan.Result.UsagePlanId>");
  const whole = run("steps.plan.outputs");
  assert.ok(whole instanceof Placeholder);
  assert.equal(whole.label, "<apigateway.CreateUsagePlan>");
  const indexed = run("steps['plan'].outputs['Result']");
  assert.ok(indexed instanceof Placeholder);
  assert.equal(indexed.label, "<apigateway.CreateUsagePlan.Result>");
  const item = evaluateExpr("steps.bind.outputs[1].Result", {
    steps: { bind: { outputs: [new Placeholder("<b[0]>"), new Placeholder("<b[1]>")] } },
  });
  assert.ok(item instanceof Placeholder);
  assert.equal(item.label, "<b[1].Result>");
  const all = evaluateExpr("steps.bind.outputs[0]", {
    steps: { bind: { outputs: new Placeholder("<apigateway.BindEnvironment[]>") } },
  });
  assert.ok(all instanceof Placeholder);
  assert.equal(all.label, "<apigateway.BindEnvironment[][0]>");
});

Deno.test("placeholders: any other expression touching one is a placeholder of its source", () => {
  for (
    const source of [
      "'x-' + steps.plan.outputs.Result.UsagePlanId",
      " size(steps.plan.outputs.Items) > 0 ",
      "[steps.plan.outputs.Result.UsagePlanId]",
      "steps.plan.outputs.Items.map(i, i.Id)",
      "{'id': steps.plan.outputs.Result.UsagePlanId}",
      "has(steps.plan.outputs.Result)",
    ]
  ) {
    const p = evaluateExpr(source, vars());
    assert.ok(p instanceof Placeholder, source);
    assert.equal(p.label, `<${source.trim()}>`);
  }
  // not touched: short-circuit and untaken branches
  assert.equal(run("true || steps.plan.outputs.Ok"), true);
  assert.equal(run("false ? steps.plan.outputs.X : 'b'"), "b");
  // still errors when the known part is wrong
  fails("nope.x + steps.plan.outputs.Y", "E_REF", /unknown name `nope`/);
});

Deno.test("sandbox: no access to prototypes, globals or JavaScript", () => {
  fails("inputs.constructor", "E_EVAL", /no such key `constructor`/);
  fails("inputs.labels.__proto__", "E_EVAL", /no such key `__proto__`/);
  fails("inputs['__proto__']", "E_EVAL", /no such key `__proto__`/);
  fails("inputs.toString", "E_EVAL", /no such key `toString`/);
  fails("inputs.taskId.constructor", "E_TYPE", /cannot select field `constructor` on string/);
  fails("constructor", "E_REF", /unknown name `constructor`/);
  fails("this", "E_REF", /unknown name `this`/);
  fails("globalThis", "E_REF", /unknown name `globalThis`/);
  fails("Deno", "E_REF", /unknown name `Deno`/);
  fails("fetch('http://x')", "E_REF", /unknown function `fetch`/);
  fails("import('x')", "E_EXPR", /reserved identifier: import/);
  fails("__proto__", "E_EXPR", /reserved identifier/);
  fails("{'__proto__': {'polluted': true}}", "E_EVAL", /__proto__/);
  fails("inputs.taskId.matches('(a+)+$')", "E_EVAL", /nested repetition/);
  fails("inputs.taskId.matches('(?=a)')", "E_EVAL", /look-around/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  // an own `__proto__` key of parsed JSON is plain data
  const data = parseJson('{"__proto__": {"x": 1}}') as Record<string, unknown>;
  assert.deepEqual(evaluateExpr("d['__proto__'].x", { d: data }), 1n);
  // values expressions cannot hold are refused, never called
  fails2("f", { f: () => 1 }, /unsupported value/);
  fails2("o.x", { o: new (class C {})() }, /cannot select field `x` on unsupported value/);
});

function fails2(source: string, v: Record<string, unknown>, message: RegExp) {
  assert.throws(
    () => evaluateExpr(source, v),
    (e: unknown) => e instanceof ExprError && message.test(e.message),
  );
}

Deno.test("errors never quote string values (they may be secrets)", () => {
  const secret = "s3cr3t-Key-Value";
  const v = { inputs: { apiKey: secret, m: { a: 1n } } };
  for (
    const source of [
      "int(inputs.apiKey)",
      "uint(inputs.apiKey)",
      "double(inputs.apiKey)",
      "bool(inputs.apiKey)",
      "timestamp(inputs.apiKey)",
      "duration(inputs.apiKey)",
      "inputs.m[inputs.apiKey]",
      "'x'.matches(inputs.apiKey + '(')",
      "inputs.apiKey + 1",
      "inputs.apiKey.foo",
    ]
  ) {
    assert.throws(() => evaluateExpr(source, v), (e: unknown) => {
      assert.ok(e instanceof ExprError, source);
      assert.ok(!e.message.includes(secret), `${source}: ${e.message}`);
      return true;
    });
  }
});

Deno.test("sandbox: huge results and long loops are bounded with E_EVAL", () => {
  const big = { s: "x".repeat(1024 * 1024), l: Array.from({ length: 2000 }, (_, i) => BigInt(i)) };
  // doubling a string grows exponentially with the expression: stopped by the 10 MB budget
  let doubling = "s";
  for (let i = 0; i < 5; i++) doubling = `cel.bind(v${i}, ${doubling} + ${doubling}, v${i})`;
  const bound = (src: string) =>
    assert.throws(
      () => evaluateExpr(src, big),
      (e: unknown) => e instanceof ExprError && e.code === "E_EVAL",
    );
  bound("cel.bind(a, s + s, cel.bind(b, a + a, cel.bind(c, b + b, cel.bind(d, c + c, d + d))))");
  // 2000 × 2000 = 4e6 macro iterations > 1e6
  bound("l.map(x, l.map(y, x + y))");
  bound("l.all(x, l.all(y, x + y >= 0))");
  // within the budget
  assert.equal(evaluateExpr("size(l.map(x, x * 2))", big), 2000n);
  assert.equal(evaluateExpr("size(s + s)", big), 2n * 1024n * 1024n);
});

Deno.test("sandbox: deep nesting is E_EXPR, not a stack overflow", () => {
  for (
    const source of [
      "(".repeat(101) + "1" + ")".repeat(101),
      "[".repeat(500) + "]".repeat(500),
      "!".repeat(200_000) + "true",
      "-".repeat(5000) + "1",
      "x" + ".y".repeat(150),
    ]
  ) {
    assert.throws(
      () => evaluateExpr(source, { x: {} }),
      (e: unknown) =>
        e instanceof ExprError && e.code === "E_EXPR" && /too deeply|too long/.test(e.message),
      source.slice(0, 20),
    );
  }
  assert.equal(evaluateExpr("(".repeat(60) + "1" + ")".repeat(60), {}), 1n);
  // values nested deeper than the stack allows are an error, not a crash
  let a: unknown = 1n;
  let b: unknown = 1n;
  for (let i = 0; i < 200_000; i++) [a, b] = [[a], [b]];
  assert.throws(
    () => evaluateExpr("a == b", { a, b }),
    (e: unknown) =>
      e instanceof ExprError && e.code === "E_EVAL" && /nested too deeply/.test(e.message),
  );
  assert.throws(() => evaluateExpr("1".repeat(200_001), {}), /too long/);
});
