import assert from "node:assert/strict";
import { typeToString } from "../expr/types.ts";
import { loadWorkflowText } from "./load.ts";
import { parseWorkflow } from "./parse.ts";
import { stepOutputType, validateWorkflow } from "./validate.ts";

const HEAD = `tcflow: 1
name: t
inputs:
  instanceId: { type: string }
  taskId: { type: string }
  topics: { type: list, default: [] }
  queueNum: { type: integer, default: 8 }
env: [STAGE]
`;
const HEAD_LINES = HEAD.split("\n").length - 1; // 8

/** `CODE line:col` of every diagnostic, with lines counted from the first line after HEAD. */
function check(body: string): string[] {
  const result = loadWorkflowText(HEAD + body, "t.yaml");
  return result.diagnostics.map((d) => `${d.code} ${d.line - HEAD_LINES}:${d.column}`);
}

function messages(body: string): string[] {
  return loadWorkflowText(HEAD + body, "t.yaml").diagnostics.map((d) => d.message);
}

const VALID = `steps:
  - id: import_topics
    action: trocket.ImportSourceClusterTopics
    version: "2023-03-08"
    region: ap-shanghai
    with:
      TaskId: \${{ inputs.taskId }}
      TopicList: \${{ inputs.topics.map(t, {"TopicName": t.name, "TopicType": "NORMAL", "QueueNum": inputs.queueNum}) }}
  - id: topics
    action: trocket.DescribeTopicList
    with: { InstanceId: "\${{ inputs.instanceId }}", Filters: [{ Name: TopicName, Values: [a, b] }] }
    paginate: true
    until: \${{ steps.topics.outputs.TotalCount >= size(inputs.topics) }}
    poll: { interval: 5s, timeout: 10m }
  - id: plan
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: "migrated-\${{ inputs.taskId }}", MaxRequestNum: -1 }
    undo:
      action: apigateway.DeleteUsagePlan
      with: { UsagePlanId: "\${{ steps.plan.outputs.Result.UsagePlanId }}" }
  - id: bind
    action: apigateway.BindEnvironment
    foreach: \${{ ["test", "release"] }}
    concurrency: 2
    when: \${{ size(inputs.topics) > 0 && env.STAGE == "prod" }}
    with:
      UsagePlanIds: ["\${{ steps.plan.outputs.Result.UsagePlanId }}"]
      ServiceId: service-ody35h5e
      Environment: \${{ item }}
      BindType: SERVICE
    retry: { attempts: 3 }
  - id: summary
    set:
      plan_id: \${{ steps.plan.outputs.Result.UsagePlanId }}
      topic_names: \${{ steps.topics.outputs.Data.map(t, t.Topic) }}
      bound: \${{ size(steps.bind.outputs) }}
      run: \${{ run.id }}
  - id: check
    assert: \${{ size(steps.summary.outputs.topic_names) >= size(inputs.topics) }}
    message: not every topic arrived
outputs:
  usage_plan: \${{ steps.summary.outputs.plan_id }}
  status: \${{ steps.bind.status + steps.plan.request_id }}
`;

Deno.test("a workflow of the seeded trocket and apigateway actions is valid", () => {
  const result = loadWorkflowText(HEAD + VALID, "t.yaml");
  assert.deepEqual(result.diagnostics, []);
  assert.ok(result.workflow);
  assert.equal(result.workflow.steps.length, 6);
});

Deno.test("stepOutputType: the response object, a list of them with foreach, set values", () => {
  const { workflow } = parseWorkflow(HEAD + VALID, "t.yaml");
  assert.ok(workflow);
  const byId = (id: string) => workflow.steps.find((s) => s.id === id)!;
  const topics = stepOutputType(workflow, byId("topics"));
  assert.ok(topics.kind === "object");
  assert.equal(typeToString(topics.field("Data")!), "list(TopicItem)");
  assert.equal(typeToString(topics.field("TotalCount")!), "int");
  assert.equal(topics.field("RequestId"), undefined);
  const bind = stepOutputType(workflow, byId("bind"));
  assert.equal(typeToString(bind), "list(apigateway.BindEnvironment response)");
  const summary = stepOutputType(workflow, byId("summary"));
  assert.ok(summary.kind === "object");
  assert.equal(typeToString(summary.field("plan_id")!), "string");
  assert.equal(typeToString(summary.field("topic_names")!), "list(string)");
  assert.equal(typeToString(summary.field("bound")!), "int");
});

Deno.test("unknown services, actions and versions, with did-you-mean", () => {
  assert.deepEqual(
    check(`steps:
  - id: a
    action: trockt.DescribeTopicList
  - id: b
    action: trocket.DescribeTopicLists
    with: { InstanceId: x }
  - id: c
    action: trocket.DescribeTopicList
    version: "2020-01-01"
    with: { InstanceId: x }
`),
    ["E_UNKNOWN_ACTION 3:13", "E_UNKNOWN_ACTION 5:13", "E_UNKNOWN_VERSION 8:13"],
  );
  const [service, action, version] = messages(`steps:
  - id: a
    action: trockt.DescribeTopicList
  - id: b
    action: trocket.DescribeTopicLists
  - id: c
    action: trocket.DescribeTopicList
    version: "2020-01-01"
`);
  assert.match(service!, /unknown service `trockt`; did you mean `trocket.DescribeTopicList`\?/);
  assert.match(action!, /did you mean `trocket.DescribeTopicList`\?/);
  assert.match(version!, /2020-01-01.*2023-03-08/);
});

Deno.test("untyped calls warn, and need a version", () => {
  const result = loadWorkflowText(
    HEAD + `steps:
  - id: a
    action: newsvc.DoThing
    version: "2024-01-01"
    untyped: true
    with: { Anything: \${{ inputs.taskId }} }
  - id: b
    set: { x: \${{ steps.a.outputs.Whatever.Deep }} }
`,
    "t.yaml",
  );
  assert.deepEqual(result.diagnostics.map((d) => [d.code, d.severity]), [["W_UNTYPED", "warning"]]);
  assert.ok(result.workflow, "warnings alone keep the workflow");
  assert.deepEqual(
    check(`steps:\n  - id: a\n    action: newsvc.DoThing\n    untyped: true\n`),
    ["E_UNKNOWN_VERSION 3:13", "W_UNTYPED 3:13"],
  );
});

Deno.test("parameters: missing, unknown, wrong types inside arrays of structures", () => {
  assert.deepEqual(
    check(`steps:
  - id: a
    action: trocket.ImportSourceClusterTopics
    with:
      TaskID: t
      TopicList:
        - TopicName: a
          TopicType: NORMAL
          QueueNum: "8"
        - TopicName: 5
          TopicTyp: NORMAL
          QueueNum: 8
  - id: b
    action: apigateway.BindEnvironment
    with:
      UsagePlanIds: \${{ inputs.queueNum }}
      BindType: [x]
      Environment: \${{ inputs.topics }}
      ServiceId: s
`),
    [
      // a misspelt key is not reported again as a missing parameter
      "E_UNKNOWN_PARAM 5:7",
      "E_TYPE 9:21",
      "E_TYPE 10:22",
      "E_UNKNOWN_PARAM 11:11",
      "E_TYPE 16:25",
      "E_TYPE 17:17",
      "E_TYPE 18:24",
    ],
  );
  const text = messages(`steps:
  - id: b
    action: apigateway.BindEnvironment
    with: { UsagePlanIds: [3], BindType: x, Environment: x, ServiceId: s }
`);
  assert.deepEqual(text, ["`UsagePlanIds[0]` must be a string, got integer 3"]);
});

Deno.test("references: unknown steps, steps below, itself, missing response fields", () => {
  assert.deepEqual(
    check(`steps:
  - id: plan
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: "\${{ steps.plan.outputs.Result.UsagePlanName }}" }
  - id: a
    set:
      x: \${{ steps.plna.outputs }}
      y: \${{ steps.later.outputs }}
      z: \${{ steps.plan.outputs.Result.UsagePlanID }}
      w: \${{ inputs.taskid }}
      v: \${{ env.HOME }}
      u: \${{ item }}
  - id: later
    set: {}
outputs:
  o: \${{ steps.later.outputs.nothing }}
`),
    [
      "E_REF 4:39",
      "E_REF 7:20",
      "E_REF 8:20",
      "E_REF 9:40",
      "E_REF 10:21",
      "E_REF 11:18",
      "E_REF 12:14",
      "E_REF 16:30",
    ],
  );
  const text = messages(`steps:
  - id: plan
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: x }
  - id: a
    set:
      x: \${{ steps.plna.outputs }}
      y: \${{ steps.later.outputs }}
      z: \${{ steps.plan.outputs.Result.UsagePlanID }}
  - id: later
    set: {}
`);
  assert.match(text[0]!, /unknown step `plna`; did you mean `plan`\?/);
  assert.match(text[1]!, /step `later` runs after this one/);
  assert.match(text[2]!, /no field `UsagePlanID`, did you mean `UsagePlanId`\?/);
});

Deno.test("foreach, when, until and assert types; item and index inside foreach", () => {
  assert.deepEqual(
    check(`steps:
  - id: a
    action: apigateway.DeleteUsagePlan
    foreach: \${{ inputs.taskId }}
    when: \${{ inputs.taskId }}
    with: { UsagePlanId: x }
    until: yes
  - id: b
    action: apigateway.DeleteUsagePlan
    foreach: \${{ [1, 2] }}
    with: { UsagePlanId: \${{ item }} }
  - id: c
    action: apigateway.DeleteUsagePlan
    foreach: [a, b]
    with: { UsagePlanId: "\${{ item }}-\${{ index }}" }
  - id: d
    assert: \${{ steps.c.outputs[0].Result }}
  - id: e
    assert: \${{ steps.c.outputs.Result }}
`),
    ["E_TYPE 4:18", "E_TYPE 5:15", "E_TYPE 7:12", "E_TYPE 11:30", "E_TYPE 19:33"],
  );
});

Deno.test("paginate needs a paginated action; undo may use its own step's outputs", () => {
  assert.deepEqual(
    check(`steps:
  - id: a
    action: apigateway.CreateUsagePlan
    with: { UsagePlanName: x }
    paginate: true
    undo:
      action: apigateway.DeleteUsagePlan
      with: { UsagePlanId: "\${{ steps.a.outputs.Result.UsagePlanId }}", Extra: 1 }
  - id: b
    action: trocket.DescribeTopicList
    with: { InstanceId: x }
    paginate: true
`),
    ["E_NOT_PAGEABLE 3:13", "E_UNKNOWN_PARAM 8:73"],
  );
});

Deno.test("paginate: E_NOT_PAGEABLE gives the reason; page fields a step need not give", () => {
  assert.deepEqual(
    messages(`steps:
  - id: m
    action: ckafka.FetchMessageListByOffset
    with: { InstanceId: i, Topic: t, Partition: 0, Offset: 5 }
    paginate: true
`),
    [
      "`paginate: true` needs an action that pages; ckafka.FetchMessageListByOffset cannot " +
      "page: Offset without a page-size parameter",
    ],
  );
  // ccc.DescribeTelCdr requires PageSize and PageNumber: the pager fills them.
  assert.deepEqual(
    check(`steps:
  - id: cdr
    action: ccc.DescribeTelCdr
    with: { StartTimeStamp: 1, EndTimeStamp: 2, SdkAppId: 3 }
    paginate: true
`),
    [],
  );
});

Deno.test("duplicate and bad ids", () => {
  assert.deepEqual(
    check(`steps:
  - id: a
    set: {}
  - id: a
    set: {}
  - id: Bad-Id
    set: {}
  - id: "1x"
    set: {}
`),
    ["E_DUPLICATE_ID 4:9", "E_BAD_ID 6:9", "E_BAD_ID 8:9"],
  );
});

Deno.test("a problem inside a multi-line expression points at its own line", () => {
  const diagnostics = check(`steps:
  - id: a
    set:
      x: |
        \${{ size(inputs.topics) > 0
             && inputs.nope }}
`);
  assert.deepEqual(diagnostics, ["E_REF 6:24"]);
});

Deno.test("references to a step the parser could not read are not reported again", () => {
  const { workflow, brokenStepIds } = parseWorkflow(
    HEAD + `steps:
  - id: broken
    actoin: x
  - id: b
    set: { x: \${{ steps.broken.outputs.y }} }
`,
    "t.yaml",
  );
  assert.deepEqual(brokenStepIds, ["broken"]);
  assert.deepEqual(validateWorkflow(workflow!, { brokenStepIds }), []);
});

Deno.test("item and index outside foreach say where they are defined", () => {
  const text = messages(`steps:\n  - id: a\n    set: { x: \${{ index }} }\n`);
  assert.deepEqual(text, [
    "`index` is only defined in the `with`, `until` and `undo` of a step with `foreach`",
  ]);
});
