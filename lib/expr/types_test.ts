import assert from "node:assert/strict";
import {
  catalogType,
  catalogTypeWith,
  commonType,
  isAssignable,
  listOf,
  mapOf,
  missingFieldMessage,
  objectOf,
  T,
  typeToString,
} from "./types.ts";
import type { ExprType, ObjectType } from "./types.ts";
import type { Structure } from "../catalog/types.ts";

Deno.test("typeToString names scalars, containers and objects", () => {
  assert.equal(typeToString(T.int), "int");
  assert.equal(typeToString(listOf(T.string)), "list(string)");
  assert.equal(typeToString(mapOf(T.string, listOf(T.dyn))), "map(string, list(dyn))");
  assert.equal(typeToString(objectOf("UsagePlanInfo", {})), "UsagePlanInfo");
});

Deno.test("isAssignable: dyn both ways, integers interchangeable, number accepts numbers", () => {
  assert.ok(isAssignable(T.dyn, T.int));
  assert.ok(isAssignable(T.string, T.dyn));
  assert.ok(isAssignable(T.int, T.uint));
  assert.ok(isAssignable(T.uint, T.int));
  assert.ok(isAssignable(T.int, T.double), "JSON accepts an integer for a float");
  assert.ok(isAssignable(T.int, T.number));
  assert.ok(isAssignable(T.double, T.number));
  assert.ok(isAssignable(T.number, T.int));
  assert.ok(!isAssignable(T.double, T.int));
  assert.ok(!isAssignable(T.string, T.int));
  assert.ok(!isAssignable(T.int, T.string));
  assert.ok(!isAssignable(T.bool, T.string));
  assert.ok(!isAssignable(T.timestamp, T.string));
});

Deno.test("isAssignable: lists, maps, objects and null", () => {
  const plan = objectOf("UsagePlanInfo", { UsagePlanId: T.string });
  const other = objectOf("Other", { UsagePlanId: T.string });
  assert.ok(isAssignable(listOf(T.int), listOf(T.number)));
  assert.ok(!isAssignable(listOf(T.int), listOf(T.string)));
  assert.ok(!isAssignable(T.string, listOf(T.string)));
  assert.ok(isAssignable(listOf(T.dyn), listOf(plan)));
  assert.ok(isAssignable(plan, plan));
  assert.ok(!isAssignable(plan, other));
  assert.ok(isAssignable(mapOf(T.string, T.dyn), plan), "a map literal may fill a structure");
  assert.ok(!isAssignable(mapOf(T.int, T.dyn), plan));
  assert.ok(isAssignable(plan, mapOf(T.string, T.string)));
  assert.ok(!isAssignable(plan, mapOf(T.string, T.int)));
  assert.ok(isAssignable(T.null, plan));
  assert.ok(isAssignable(T.null, listOf(T.int)));
  assert.ok(!isAssignable(T.null, T.int));
});

Deno.test("commonType joins numbers, nulls and containers", () => {
  assert.deepEqual(commonType(T.int, T.int), T.int);
  assert.deepEqual(commonType(T.int, T.double), T.number);
  assert.deepEqual(commonType(T.null, T.string), T.string);
  assert.deepEqual(commonType(listOf(T.int), listOf(T.dyn)), listOf(T.dyn));
  assert.equal(commonType(T.string, T.int), undefined);
});

const STRUCTURES: Record<string, Structure> = {
  Node: {
    name: "Node",
    fields: [
      { name: "Name", type: "String", required: true },
      { name: "Children", type: "Node[]", required: false },
      { name: "Size", type: "Integer", required: false },
      { name: "Ratio", type: "Float", required: false },
      { name: "Count", type: "Number", required: false },
      { name: "Extra", type: "Any", required: false },
      { name: "Tags", type: "Tag[][]", required: false },
    ],
  },
  Tag: { name: "Tag", fields: [{ name: "Key", type: "String", required: true }] },
};

const lookup = (_s: string, _v: string, name: string) => STRUCTURES[name];

Deno.test("catalogTypeWith maps catalog type strings, structures lazily and recursively", () => {
  assert.deepEqual(catalogTypeWith(lookup, "svc", "v", "String"), T.string);
  assert.deepEqual(catalogTypeWith(lookup, "svc", "v", "Timestamp"), T.string);
  assert.deepEqual(catalogTypeWith(lookup, "svc", "v", "Binary"), T.string);
  assert.deepEqual(catalogTypeWith(lookup, "svc", "v", "Integer"), T.int);
  assert.deepEqual(catalogTypeWith(lookup, "svc", "v", "Boolean[]"), listOf(T.bool));
  const node = catalogTypeWith(lookup, "svc", "v", "Node") as ObjectType;
  assert.equal(node.kind, "object");
  assert.deepEqual(node.fieldNames(), [
    "Name",
    "Children",
    "Size",
    "Ratio",
    "Count",
    "Extra",
    "Tags",
  ]);
  assert.equal(typeToString(node.field("Children")!), "list(Node)");
  const child = (node.field("Children") as { kind: "list"; elem: ExprType }).elem as ObjectType;
  assert.equal(child, node, "recursive structures resolve to the same object type");
  assert.deepEqual(node.field("Size"), T.int);
  assert.deepEqual(node.field("Ratio"), T.double);
  assert.deepEqual(node.field("Count"), T.number);
  assert.deepEqual(node.field("Extra"), T.dyn);
  assert.equal(typeToString(node.field("Tags")!), "list(list(Tag))");
  assert.equal(node.field("Nope"), undefined);
  assert.deepEqual(catalogTypeWith(lookup, "svc", "v", "Unknown"), T.dyn);
});

Deno.test("catalogType reads structures from the catalog", () => {
  const t = catalogType("trocket", "2023-03-08", "TopicItem[]");
  assert.equal(t.kind, "list");
  const item = (t as { kind: "list"; elem: ExprType }).elem;
  assert.equal(item.kind, "object");
  assert.deepEqual((item as ObjectType).field("Topic"), T.string);
});

Deno.test("missingFieldMessage suggests or uses the custom message", () => {
  const plan = objectOf("UsagePlanInfo", { UsagePlanId: T.string, UsagePlanName: T.string });
  assert.equal(
    missingFieldMessage(plan, "UsagePlanID"),
    "`UsagePlanInfo` has no field `UsagePlanID`, did you mean `UsagePlanId`?",
  );
  assert.equal(missingFieldMessage(plan, "Zzz"), "`UsagePlanInfo` has no field `Zzz`");
  const steps = objectOf("steps", {}, (n) => `step "${n}" runs after this one`);
  assert.equal(missingFieldMessage(steps, "bind"), 'step "bind" runs after this one');
});
