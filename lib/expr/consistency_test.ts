/**
 * The checker and the evaluator agree: an expression that type-checks against the types of
 * some values evaluates over those values without type errors, to a value of the static type.
 */
import assert from "node:assert/strict";
import { checkExpr } from "./check.ts";
import { evaluateExpr, ExprError } from "./evaluate.ts";
import { listOf, mapOf, objectOf, T, typeToString } from "./types.ts";
import type { ExprType } from "./types.ts";
import { parseJson } from "../json.ts";

/** The static type of a JSON-like value (objects become object types, like catalog structures). */
function typeOf(v: unknown, name = "value"): ExprType {
  if (typeof v === "bigint") return T.int;
  if (typeof v === "number") return T.double;
  if (typeof v === "string") return T.string;
  if (typeof v === "boolean") return T.bool;
  if (v === null) return T.null;
  if (Array.isArray(v)) return listOf(v.length ? typeOf(v[0], name) : T.dyn);
  const fields: Record<string, ExprType> = {};
  for (const [k, x] of Object.entries(v as object)) fields[k] = typeOf(x, k);
  return objectOf(name, fields);
}

/** Whether a (JSON-like output) value fits a static type. */
function fitsType(v: unknown, t: ExprType): boolean {
  switch (t.kind) {
    case "dyn":
      return true;
    case "int":
    case "uint":
      return typeof v === "bigint";
    case "double":
      return typeof v === "number";
    case "number":
      return typeof v === "number" || typeof v === "bigint";
    case "string":
    case "timestamp":
    case "duration":
    case "bytes":
      return typeof v === "string";
    case "bool":
      return typeof v === "boolean";
    case "null":
      return v === null;
    case "list":
      return Array.isArray(v) && v.every((x) => fitsType(x, t.elem));
    case "map":
      return typeof v === "object" && v !== null &&
        Object.values(v).every((x) => fitsType(x, t.value));
    case "object":
      return typeof v === "object" && v !== null && !Array.isArray(v) &&
        Object.entries(v).every(([k, x]) => {
          const f = t.field(k);
          return f !== undefined && fitsType(x, f);
        });
  }
}

const vars: Record<string, unknown> = {
  inputs: parseJson(
    '{"taskId": "task-7", "queueNum": 8, "ratio": 0.25, "topics": [{"name": "a", "queues": 3}, {"name": "b", "queues": 5}], "on": true}',
  ) as Record<string, unknown>,
  steps: parseJson(
    '{"topics": {"outputs": {"TotalCount": 2, "Data": [{"Topic": "a", "QueueNum": 3}, {"Topic": "b", "QueueNum": 18446744073709551615}]}, "status": "succeeded"}}',
  ) as Record<string, unknown>,
};
const scope: Record<string, ExprType> = {
  inputs: typeOf(vars.inputs, "inputs"),
  steps: typeOf(vars.steps, "steps"),
  labels: mapOf(T.string, T.string),
};
vars.labels = { env: "prod", team: "mq" };

const EXPRESSIONS = [
  "inputs.taskId",
  "inputs.queueNum * 2 - 1",
  "inputs.ratio * 4.0",
  "inputs.queueNum > inputs.ratio",
  "size(inputs.topics) == steps.topics.outputs.TotalCount",
  "inputs.topics.map(t, t.name)",
  "inputs.topics.map(t, {'TopicName': t.name, 'QueueNum': t.queues})",
  "inputs.topics.filter(t, t.queues > 3)",
  "inputs.topics.exists(t, t.name == 'b')",
  "inputs.topics.all(t, t.queues > 0)",
  "inputs.topics.exists_one(t, t.queues > 4)",
  "inputs.topics.map(t, t.queues > 3, t.name.upperAscii())",
  "steps.topics.outputs.Data.map(d, d.QueueNum)",
  "steps.topics.outputs.Data[1].QueueNum",
  "string(steps.topics.outputs.Data[1].QueueNum)",
  "steps.topics.status == 'succeeded' ? 'ok' : 'not ok'",
  "'migrated-' + inputs.taskId + '-' + string(inputs.queueNum)",
  "inputs.taskId.split('-')",
  "inputs.taskId.split('-')[1]",
  "int(inputs.taskId.split('-')[1]) + 1",
  "double(inputs.queueNum) / 3.0",
  "uint(inputs.queueNum) + 1u",
  "labels['env'] + labels.team",
  "'env' in labels",
  "labels.map(k, k + '=' + labels[k])",
  "size(labels) + size('abc') + size(inputs.topics)",
  "has(inputs.on) && inputs.on",
  "[inputs.taskId, 'x'].join(',')",
  "[1, 2, 3] + [4]",
  "{'a': [1, 2], 'b': [3]}",
  "cel.bind(t, inputs.topics[0], t.name + t.name)",
  "timestamp('2024-05-01T10:00:00Z') + duration('90m')",
  "timestamp('2024-05-01T10:00:00Z') - timestamp('2024-05-01T09:00:00Z')",
  "timestamp('2024-05-01T10:00:00Z').getHours()",
  "duration('1h30m').getMinutes()",
  "inputs.taskId.matches('^task-[0-9]+$') || inputs.taskId.contains('x')",
  "-inputs.queueNum",
  "!inputs.on",
];

Deno.test("checker and evaluator agree on well-typed expressions", () => {
  for (const source of EXPRESSIONS) {
    const { type, problems } = checkExpr(source, scope);
    assert.deepEqual(problems, [], `${source}: ${JSON.stringify(problems)}`);
    let value: unknown;
    try {
      value = evaluateExpr(source, vars);
    } catch (error) {
      assert.fail(`${source} type-checks as ${typeToString(type)} but fails: ${error}`);
    }
    assert.ok(
      fitsType(value, type),
      `${source}: ${String(value)} does not fit ${typeToString(type)}`,
    );
  }
});

const ILL_TYPED = [
  "inputs.taskId + 1",
  "size(inputs.queueNum)",
  "inputs.taskId < 3",
  "inputs.topics.map(t, t.nam)",
  "inputs.queueNum.contains('a')",
  "inputs.on ? 1 : 'a'",
  "inputs.queueNum && true",
  "-inputs.taskId",
  "inputs.taskId[0]",
];

Deno.test("what the checker rejects fails at run time too (never silently succeeds)", () => {
  for (const source of ILL_TYPED) {
    const { problems } = checkExpr(source, scope);
    assert.ok(problems.length > 0, `${source} should not type-check`);
    if (source === "inputs.on ? 1 : 'a'") continue; // CEL rejects mixed branches statically only
    assert.throws(() => evaluateExpr(source, vars), ExprError, source);
  }
});
