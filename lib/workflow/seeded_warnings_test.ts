/**
 * Seeded details at validate time (issue 15): actions the documentation says are offline warn
 * `W_DEPRECATED` with its words; parameters the seed and the official definitions disagree on
 * warn `W_SEED_DIFFERS` naming both when left out; SDK structures declared `= null` take any
 * JSON. Against the generated catalog, so a regenerated catalog that loses them fails here.
 */
import assert from "node:assert/strict";
import { findAction } from "../catalog/catalog.ts";
import { loadWorkflowText } from "./load.ts";

function diagnostics(steps: string) {
  return loadWorkflowText(`tcflow: 1\nname: t\nsteps:\n${steps}`, "t.yaml").diagnostics
    .map((d) => ({
      code: d.code,
      severity: d.severity,
      at: `${d.line}:${d.column}`,
      m: d.message,
    }));
}

Deno.test("apigateway.DescribeApiApp is offline per the seed: W_DEPRECATED with the seed's words", () => {
  assert.equal(
    findAction("apigateway", "DescribeApiApp")?.deprecated,
    "此接口已下线，如需使用功能请使用DescribeApiAppsStatus接口。",
  );
  const found = diagnostics(`  - id: app
    action: apigateway.DescribeApiApp
    with: { ApiAppId: app-1 }
`);
  assert.deepEqual(found.map((d) => [d.code, d.severity, d.at]), [
    ["W_DEPRECATED", "warning", "5:13"],
  ]);
  assert.match(
    found[0]!.m,
    /apigateway\.DescribeApiApp .*此接口已下线，如需使用功能请使用DescribeApiAppsStatus接口。/,
  );
  // The SDK's own words count too (cls.DescribePartitions: 该接口已废弃 …); a live action is silent.
  assert.match(findAction("cls", "DescribePartitions")?.deprecated ?? "", /^该接口已废弃，/);
  assert.deepEqual(
    diagnostics(`  - id: apps
    action: apigateway.DescribeApiAppsStatus
`),
    [],
  );
});

Deno.test("W_SEED_DIFFERS: a left-out parameter the seed and the SDK disagree on warns, naming both", () => {
  const disputed: Array<[string, string, boolean]> = [
    ["CreateTopic", "QueueNum", true],
    ["CreateConsumerGroup", "ConsumerGroup", true],
    ["DeleteConsumerGroup", "ConsumerGroup", true],
    ["ModifyConsumerGroup", "ConsumeEnable", false],
    ["ModifyConsumerGroup", "ConsumeMessageOrderly", false],
    ["CreateInstance", "VpcList", false],
    ["DescribeInstanceList", "Offset", true],
    ["DescribeInstanceList", "Limit", true],
    ["DescribeConsumerGroupList", "Offset", true],
    ["DescribeConsumerGroupList", "Limit", true],
    ["DescribeRoleList", "Offset", true],
    ["DescribeRoleList", "Limit", true],
  ];
  for (const [action, param, seedRequired] of disputed) {
    const field = findAction("trocket", action)!.inputs.find((f) => f.name === param)!;
    // The catalog keeps the seed's required flag (the typed client and the merge rely on it).
    assert.equal(field.required, seedRequired, `${action}.${param}`);
    assert.equal(field.seedDiffers?.seedRequired, seedRequired, `${action}.${param}`);
    assert.equal(field.seedDiffers?.sdkRequired, !seedRequired, `${action}.${param}`);
  }
  // Seed says required, SDK optional: a warning, not E_MISSING_PARAM.
  const topic = diagnostics(`  - id: topic
    action: trocket.CreateTopic
    with: { InstanceId: rmq-1, Topic: t, TopicType: NORMAL }
`);
  assert.deepEqual(topic.map((d) => [d.code, d.severity]), [["W_SEED_DIFFERS", "warning"]]);
  assert.match(
    topic[0]!.m,
    /`QueueNum` \(Integer\) of trocket\.CreateTopic is left out: the seed document tools\/seeds\/trocket-2023-03-08-rocketmq5-api\.txt says it is required, the official API definitions \(tencentcloud-sdk-nodejs\) say optional/,
  );
  // Seed says optional, SDK required: a warning where validate stayed silent.
  const group = diagnostics(`  - id: group
    action: trocket.ModifyConsumerGroup
    with: { InstanceId: rmq-1, ConsumerGroup: g, ConsumeEnable: true }
`);
  assert.deepEqual(group.map((d) => d.code), ["W_SEED_DIFFERS"]);
  assert.match(group[0]!.m, /`ConsumeMessageOrderly` .* says it is optional, .* say required/);
  // Given: both sources are satisfied, nothing to say; paginate fills Offset/Limit itself.
  assert.deepEqual(
    diagnostics(`  - id: topic
    action: trocket.CreateTopic
    with: { InstanceId: rmq-1, Topic: t, TopicType: NORMAL, QueueNum: 3 }
  - id: list
    action: trocket.DescribeInstanceList
    paginate: true
`),
    [],
  );
  // A parameter both require is still an error.
  assert.deepEqual(
    diagnostics(`  - id: topic
    action: trocket.CreateTopic
    with: { Topic: t, TopicType: NORMAL, QueueNum: 3 }
`).map((d) => d.code),
    ["E_MISSING_PARAM"],
  );
});

Deno.test("SDK structures declared null (bma Filter) take any JSON value", () => {
  assert.equal(
    findAction("bma", "DescribeCRMonitors", "2021-06-24")?.inputs.find((f) => f.name === "Filters")
      ?.type,
    "Any[]",
  );
  assert.deepEqual(
    diagnostics(`  - id: monitors
    action: bma.DescribeCRMonitors
    version: "2021-06-24"
    with:
      Filters: [{ Name: WorkName, Values: [novel] }]
  - id: recommend
    action: irp.DescribeGoodsRecommend
    with:
      InstanceId: i-1
      SceneId: s-1
      UserId: u-1
      UserPortraitInfo: { Age: 30, Tags: [a] }
      UserIdList: [{ Type: 1, UserId: u-1 }]
`),
    [],
  );
});
