import assert from "node:assert/strict";
import { findAction, findStructure } from "../catalog/catalog.ts";
import { checkParams, unflattenV1 } from "./params.ts";
import { ParamError } from "../errors.ts";

const lookup = (name: string) => findStructure("trocket", "2023-03-08", name);
const inputs = (action: string) => {
  const spec = findAction("trocket", action, "2023-03-08");
  assert.ok(spec, action);
  return spec.inputs;
};

function codeOf(fn: () => void): { code: string; message: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    assert.ok(error instanceof ParamError, String(error));
    return { code: error.code, message: error.message };
  }
}

Deno.test("checkParams accepts well-typed requests, bigint integers included", () => {
  checkParams(inputs("DescribeTopicList"), {
    InstanceId: "rmq-1",
    Filters: [{ Name: "TopicName", Values: ["a"] }],
    Offset: 0,
    Limit: 18446744073709551615n,
  }, lookup);
  checkParams(inputs("DescribeTopicList"), { InstanceId: "rmq-1", Offset: null }, lookup);
});

Deno.test("checkParams: MissingParameter, UnknownParameter, InvalidParameterValue", () => {
  assert.deepEqual(codeOf(() => checkParams(inputs("DescribeTopicList"), {}, lookup)), {
    code: "MissingParameter",
    message: "The request is missing a required parameter `InstanceId`.",
  });
  assert.deepEqual(
    codeOf(() => checkParams(inputs("DescribeTopicList"), { InstanceId: "x", Limitt: 1 }, lookup)),
    { code: "UnknownParameter", message: "The parameter `Limitt` is not recognized." },
  );
  const wrong = codeOf(() =>
    checkParams(inputs("DescribeTopicList"), { InstanceId: "x", Limit: "10" }, lookup)
  );
  assert.equal(wrong?.code, "InvalidParameterValue");
  assert.match(
    wrong?.message ?? "",
    /`Limit` is not valid: expected (Integer|Number), got string "10"/,
  );
  assert.equal(
    codeOf(() => checkParams(inputs("DescribeTopicList"), { InstanceId: 5 }, lookup))?.code,
    "InvalidParameterValue",
  );
  assert.equal(
    codeOf(() => checkParams(inputs("DescribeTopicList"), [], lookup))?.code,
    "InvalidParameter",
  );
});

Deno.test("checkParams looks inside arrays and structures", () => {
  const importTopics = inputs("ImportSourceClusterTopics");
  const ok = { TopicName: "orders", TopicType: "NORMAL", QueueNum: 8 };
  checkParams(importTopics, { TaskId: "t", TopicList: [ok] }, lookup);
  assert.deepEqual(
    codeOf(() =>
      checkParams(importTopics, { TaskId: "t", TopicList: [ok, { ...ok, Colour: "red" }] }, lookup)
    ),
    { code: "UnknownParameter", message: "The parameter `TopicList.1.Colour` is not recognized." },
  );
  assert.deepEqual(
    codeOf(() =>
      checkParams(importTopics, { TaskId: "t", TopicList: [{ TopicName: "a" }] }, lookup)
    ),
    {
      code: "MissingParameter",
      message: "The request is missing a required parameter `TopicList.0.TopicType`.",
    },
  );
  assert.match(
    codeOf(() =>
      checkParams(importTopics, { TaskId: "t", TopicList: [{ ...ok, QueueNum: "8" }] }, lookup)
    )?.message ?? "",
    /`TopicList\.0\.QueueNum` is not valid/,
  );
  assert.match(
    codeOf(() => checkParams(importTopics, { TaskId: "t", TopicList: ok }, lookup))?.message ?? "",
    /`TopicList` is not valid: expected SourceClusterTopicConfig\[\], got object/,
  );
  assert.match(
    codeOf(() =>
      checkParams(inputs("DescribeTopicList"), {
        InstanceId: "x",
        Filters: [{ Name: "TopicName", Values: "a" }],
      }, lookup)
    )?.message ?? "",
    /`Filters\.0\.Values` is not valid: expected String\[\], got string/,
  );
});

Deno.test("unflattenV1 builds typed JSON from flat v1 parameters", () => {
  const params = unflattenV1(inputs("DescribeTopicList"), {
    Action: "DescribeTopicList",
    Version: "2023-03-08",
    Region: "ap-guangzhou",
    Nonce: "1",
    InstanceId: "rmq-1",
    "Filters.0.Name": "TopicName",
    "Filters.0.Values.1": "b",
    "Filters.0.Values.0": "a",
    Offset: "0",
    Limit: "18446744073709551615",
  }, lookup);
  assert.deepEqual(params, {
    InstanceId: "rmq-1",
    Filters: [{ Name: "TopicName", Values: ["a", "b"] }],
    Offset: 0,
    Limit: 18446744073709551615n,
  });
  checkParams(inputs("DescribeTopicList"), params, lookup);
  const bad = unflattenV1(inputs("DescribeTopicList"), { InstanceId: "x", Limit: "ten" }, lookup);
  assert.equal(
    codeOf(() => checkParams(inputs("DescribeTopicList"), bad, lookup))?.code,
    "InvalidParameterValue",
  );
});
