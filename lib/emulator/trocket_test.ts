import assert from "node:assert/strict";
import { ApiError, type CallContext } from "./service.ts";
import { createTrocketEmulator } from "./trocket.ts";
import {
  DEMO_EXISTING_INSTANCE,
  DEMO_MQTT_INSTANCE,
  DEMO_TARGET_INSTANCE,
  DEMO_TASK,
  type TrocketState,
} from "./trocket_data.ts";

function setup(region = "ap-guangzhou") {
  const emulator = createTrocketEmulator();
  let n = 0;
  const ctx: CallContext = {
    region,
    secretId: "AKID",
    action: "",
    version: "2023-03-08",
    now: () => 1_700_000_000_000,
    random: () => 0.5,
    newId: (prefix) => `${prefix}${String(++n).padStart(8, "0")}`,
  };
  const call = async (action: string, params: Record<string, unknown>) => {
    const handler = emulator.actions[action];
    assert.ok(handler, `no handler ${action}`);
    return await handler(params, { ...ctx, action });
  };
  const fails = async (action: string, params: Record<string, unknown>, code: string) => {
    await assert.rejects(() => call(action, params), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, code, e.message);
      return true;
    });
  };
  return { emulator, call, fails };
}

Deno.test("trocket demo data: fixed ids, an empty target and a task with source items", async () => {
  const { call } = setup();
  const target = await call("DescribeInstance", { InstanceId: DEMO_TARGET_INSTANCE });
  assert.equal(target.InstanceName, "demo-target");
  assert.equal(target.InstanceType, "PRO");
  assert.equal(target.TopicNum, 0);
  assert.equal(target.GroupNum, 0);
  const existing = await call("DescribeTopicList", { InstanceId: DEMO_EXISTING_INSTANCE });
  assert.ok((existing.TotalCount as number) > 0);
  const tasks = await call("DescribeSmoothMigrationTaskList", {});
  assert.deepEqual(
    (tasks.Data as Array<Record<string, unknown>>).map((
      t,
    ) => [t.TaskId, t.TaskName, t.SourceClusterName, t.InstanceId]),
    [
      [DEMO_TASK, "demo-migration", "rocketmq-src-demo", DEMO_TARGET_INSTANCE],
    ],
  );
  const topics = await call("DescribeMigratingTopicList", { TaskId: DEMO_TASK });
  assert.deepEqual(
    (topics.MigrateTopics as Array<{ TopicName: string }>).map((t) => t.TopicName),
    ["orders", "payments", "audit-log", "delayed-jobs"],
  );
  const groups = await call("DescribeSourceClusterGroupList", { TaskId: DEMO_TASK });
  assert.deepEqual(
    (groups.Groups as Array<{ GroupName: string; ImportStatus: string }>).map((
      g,
    ) => [g.GroupName, g.ImportStatus]),
    [["billing", "Unknown"], ["audit", "Unknown"], ["scheduler", "Unknown"]],
  );
});

Deno.test("trocket: importing source topics and groups creates them on the target", async () => {
  const { call, fails, emulator } = setup();
  await call("ImportSourceClusterTopics", {
    TaskId: DEMO_TASK,
    TopicList: [
      { TopicName: "orders", TopicType: "NORMAL", QueueNum: 8 },
      { TopicName: "delayed-jobs", TopicType: "DELAY", QueueNum: 4 },
    ],
  });
  const list = await call("DescribeTopicList", { InstanceId: DEMO_TARGET_INSTANCE });
  assert.equal(list.TotalCount, 2);
  assert.deepEqual(
    (list.Data as Array<Record<string, unknown>>).map((t) => [t.Topic, t.TopicType, t.QueueNum]),
    [["orders", "NORMAL", 8], ["delayed-jobs", "DELAY", 4]],
  );
  // Importing again reports AlreadyExists and creates nothing new.
  await call("ImportSourceClusterTopics", {
    TaskId: DEMO_TASK,
    TopicList: [{ TopicName: "orders", TopicType: "NORMAL", QueueNum: 8 }],
  });
  const state = emulator.snapshot() as TrocketState;
  const orders = state.migrationTasks[0]?.sourceTopics.find((t) => t.TopicName === "orders");
  assert.equal(orders?.ImportStatus, "AlreadyExists");
  assert.equal(orders?.Imported, true);
  assert.equal(
    (await call("DescribeTopicList", { InstanceId: DEMO_TARGET_INSTANCE })).TotalCount,
    2,
  );
  // All or nothing: one unknown topic rejects the whole list.
  await fails("ImportSourceClusterTopics", {
    TaskId: DEMO_TASK,
    TopicList: [
      { TopicName: "payments", TopicType: "NORMAL", QueueNum: 8 },
      { TopicName: "no-such", TopicType: "NORMAL", QueueNum: 8 },
    ],
  }, "InvalidParameterValue");
  await fails("ImportSourceClusterTopics", {
    TaskId: DEMO_TASK,
    TopicList: [{ TopicName: "payments", TopicType: "WEIRD", QueueNum: 8 }],
  }, "InvalidParameterValue");
  assert.equal(
    (await call("DescribeTopicList", { InstanceId: DEMO_TARGET_INSTANCE })).TotalCount,
    2,
  );
  await fails(
    "ImportSourceClusterTopics",
    { TaskId: "task-nope", TopicList: [] },
    "ResourceNotFound",
  );

  await call("ImportSourceClusterConsumerGroups", {
    TaskId: DEMO_TASK,
    GroupList: [{ GroupName: "billing" }, { GroupName: "audit" }, { GroupName: "scheduler" }],
  });
  const groups = await call("DescribeConsumerGroupList", { InstanceId: DEMO_TARGET_INSTANCE });
  assert.deepEqual(
    (groups.Data as Array<{ ConsumerGroup: string }>).map((g) => g.ConsumerGroup),
    ["billing", "audit", "scheduler"],
  );
  const imported = await call("DescribeSourceClusterGroupList", {
    TaskId: DEMO_TASK,
    Filters: [{ Name: "ImportStatus", Values: ["Success"] }],
  });
  assert.equal(imported.TotalCount, 3);
});

Deno.test("trocket: topic life cycle, paging and filters", async () => {
  const { call, fails } = setup();
  const { InstanceId } = await call("CreateInstance", {
    InstanceType: "BASIC",
    Name: "fresh",
    SkuCode: "basic_2k",
    VpcList: [{ VpcId: "vpc-1", SubnetId: "subnet-1" }],
  });
  assert.equal(InstanceId, "rmq-00000001");
  for (let i = 0; i < 25; i++) {
    const res = await call("CreateTopic", {
      InstanceId,
      Topic: `topic-${String(i).padStart(2, "0")}`,
      TopicType: i % 5 === 0 ? "FIFO" : "NORMAL",
      QueueNum: 4,
    });
    assert.deepEqual(res, { InstanceId, Topic: `topic-${String(i).padStart(2, "0")}` });
  }
  const first = await call("DescribeTopicList", { InstanceId });
  assert.equal(first.TotalCount, 25);
  assert.equal((first.Data as unknown[]).length, 20, "default Limit is 20");
  const second = await call("DescribeTopicList", { InstanceId, Offset: 20, Limit: 10 });
  assert.deepEqual((second.Data as Array<{ Topic: string }>).map((t) => t.Topic), [
    "topic-20",
    "topic-21",
    "topic-22",
    "topic-23",
    "topic-24",
  ]);
  const fifo = await call("DescribeTopicList", {
    InstanceId,
    Filters: [{ Name: "TopicType", Values: ["Order"] }],
  });
  assert.equal(fifo.TotalCount, 5);
  const named = await call("DescribeTopicList", {
    InstanceId,
    Filters: [{ Name: "TopicName", Values: ["PIC-1"] }],
  });
  assert.equal(named.TotalCount, 10);
  await fails(
    "DescribeTopicList",
    { InstanceId, Filters: [{ Name: "Colour", Values: [] }] },
    "InvalidParameterValue",
  );
  await fails("DescribeTopicList", { InstanceId, Limit: 101 }, "InvalidParameterValue");
  await fails(
    "CreateTopic",
    { InstanceId, Topic: "topic-00", TopicType: "NORMAL" },
    "UnsupportedOperation.ResourceAlreadyExists",
  );
  await fails(
    "CreateTopic",
    { InstanceId, Topic: "a b", TopicType: "NORMAL" },
    "InvalidParameterValue",
  );
  await fails(
    "CreateTopic",
    { InstanceId: "rmq-nope", Topic: "abc", TopicType: "NORMAL" },
    "ResourceNotFound.Instance",
  );
  await call("ModifyTopic", { InstanceId, Topic: "topic-00", QueueNum: 16, Remark: "more" });
  const detail = await call("DescribeTopic", { InstanceId, Topic: "topic-00" });
  assert.equal(detail.Remark, "more");
  assert.equal(detail.TopicType, "FIFO");
  await call("DeleteTopic", { InstanceId, Topic: "topic-00" });
  await fails("DescribeTopic", { InstanceId, Topic: "topic-00" }, "ResourceNotFound.Topic");
  await fails("DeleteTopic", { InstanceId, Topic: "topic-00" }, "ResourceNotFound.Topic");
  await call("ModifyInstance", { InstanceId, MaxTopicNum: 24 });
  await fails(
    "CreateTopic",
    { InstanceId, Topic: "one-more", TopicType: "NORMAL" },
    "LimitExceeded.TopicNum",
  );
  await fails(
    "ModifyInstance",
    { InstanceId, MaxTopicNum: 3 },
    "UnsupportedOperation.InstanceTopicNumDowngrade",
  );
});

Deno.test("trocket: groups, roles, instances and regions", async () => {
  const { call, fails, emulator } = setup();
  const InstanceId = DEMO_EXISTING_INSTANCE;
  await call("CreateConsumerGroup", {
    InstanceId,
    ConsumerGroup: "new-group",
    MaxRetryTimes: 3,
    ConsumeEnable: true,
    ConsumeMessageOrderly: true,
  });
  await fails("CreateConsumerGroup", {
    InstanceId,
    ConsumerGroup: "new-group",
    MaxRetryTimes: 3,
    ConsumeEnable: true,
    ConsumeMessageOrderly: true,
  }, "UnsupportedOperation.ResourceAlreadyExists");
  const orderly = await call("DescribeConsumerGroupList", {
    InstanceId,
    Filters: [{ Name: "ConsumeMessageOrderly", Values: ["true"] }],
  });
  assert.deepEqual(
    (orderly.Data as Array<{ ConsumerGroup: string }>).map((g) => g.ConsumerGroup),
    ["inventory-worker", "new-group"],
  );
  await call("ModifyConsumerGroup", {
    InstanceId,
    ConsumerGroup: "new-group",
    ConsumeEnable: false,
    ConsumeMessageOrderly: false,
    MaxRetryTimes: 5,
  });
  const group = await call("DescribeConsumerGroup", { InstanceId, ConsumerGroup: "new-group" });
  assert.equal(group.MaxRetryTimes, 5);
  assert.equal(group.ConsumeEnable, false);
  await call("DeleteConsumerGroup", { InstanceId, ConsumerGroup: "new-group" });
  await fails(
    "DescribeConsumerGroup",
    { InstanceId, ConsumerGroup: "new-group" },
    "ResourceNotFound.Group",
  );

  await call("CreateRole", {
    InstanceId,
    Role: "reader",
    PermRead: true,
    PermWrite: false,
    Remark: "",
  });
  await call("ModifyRole", { InstanceId, Role: "reader", PermRead: true, PermWrite: true });
  const roles = await call("DescribeRoleList", {
    InstanceId,
    Filters: [{ Name: "RoleName", Values: ["read"] }],
  });
  assert.equal(roles.TotalCount, 1);
  assert.equal((roles.Data as Array<{ PermWrite: boolean }>)[0]?.PermWrite, true);
  await call("DeleteRole", { InstanceId, Role: "reader" });
  await fails("DeleteRole", { InstanceId, Role: "reader" }, "ResourceNotFound.Role");

  const listed = await call("DescribeInstanceList", {
    Filters: [{ Name: "InstanceName", Values: ["demo"] }],
  });
  assert.equal(listed.TotalCount, 2);
  const pro = await call("DescribeInstanceList", {
    Filters: [{ Name: "InstanceType", Values: ["PRO"] }],
  });
  assert.deepEqual((pro.Data as Array<{ InstanceId: string }>).map((i) => i.InstanceId), [
    DEMO_TARGET_INSTANCE,
  ]);
  await call("DeleteInstance", { InstanceId: DEMO_TARGET_INSTANCE });
  await fails(
    "DescribeInstance",
    { InstanceId: DEMO_TARGET_INSTANCE },
    "ResourceNotFound.Instance",
  );

  // Another region sees nothing of ap-guangzhou.
  const shanghai = setup("ap-shanghai");
  assert.equal((await shanghai.call("DescribeInstanceList", {})).TotalCount, 0);
  await shanghai.fails(
    "DescribeInstance",
    { InstanceId: DEMO_EXISTING_INSTANCE },
    "ResourceNotFound.Instance",
  );

  emulator.load(undefined);
  assert.equal(
    (await call("DescribeInstanceList", {})).TotalCount,
    2,
    "load(undefined) restores the seed",
  );
});

Deno.test("trocket: load() takes partial data with defaults, and rejects bad data", async () => {
  const { call, emulator } = setup();
  emulator.load({
    instances: [{
      InstanceId: "rmq-custom01",
      InstanceName: "custom",
      Region: "ap-guangzhou",
      topics: [{ Topic: "t1" }],
    }],
  });
  const topics = await call("DescribeTopicList", { InstanceId: "rmq-custom01" });
  assert.deepEqual(topics.Data, [{
    InstanceId: "rmq-custom01",
    Topic: "t1",
    TopicType: "NORMAL",
    QueueNum: 4,
    Remark: "",
    MsgTTL: 72,
    TagList: [],
  }]);
  assert.equal((await call("DescribeSmoothMigrationTaskList", {})).TotalCount, 0);
  assert.throws(() => emulator.load([]), /must be an object/);
  assert.throws(() => emulator.load({ instances: [{ InstanceName: "x" }] }), /needs an InstanceId/);
  const snapshot = emulator.snapshot() as TrocketState;
  assert.equal(snapshot.instances[0]?.InstanceId, "rmq-custom01");
});

Deno.test("trocket: migrating topics move through the stages after health checks", async () => {
  const { call, fails } = setup();
  const stageOf = async (name: string) => {
    const list = await call("DescribeMigratingTopicList", { TaskId: DEMO_TASK });
    return (list.MigrateTopics as Array<Record<string, unknown>>).find((t) => t.TopicName === name);
  };
  const check = await call("DoHealthCheckOnMigratingTopic", {
    TaskId: DEMO_TASK,
    TopicName: "orders",
  });
  assert.deepEqual(check, {
    Passed: false,
    Reason: "TopicNotImported",
    ReasonList: ["TopicNotImported"],
  });
  const refused = await call("ChangeMigratingTopicToNextStage", {
    TaskId: DEMO_TASK,
    TopicNameList: ["orders"],
  });
  assert.deepEqual(refused.Results, [{ TopicName: "orders", Success: false }]);

  await call("ImportSourceClusterTopics", {
    TaskId: DEMO_TASK,
    TopicList: [{ TopicName: "orders", TopicType: "NORMAL", QueueNum: 8 }],
  });
  assert.equal((await stageOf("orders"))?.HealthCheckError, "NotChecked");
  const stages = ["S_RW_D_R", "S_RW_D_RW", "S_R_D_RW", "S_NA_D_RW"];
  for (const expected of stages) {
    const passed = await call("DoHealthCheckOnMigratingTopic", {
      TaskId: DEMO_TASK,
      TopicName: "orders",
    });
    assert.equal(passed.Passed, true);
    assert.equal((await stageOf("orders"))?.HealthCheckPassed, true);
    const moved = await call("ChangeMigratingTopicToNextStage", {
      TaskId: DEMO_TASK,
      TopicNameList: ["orders", "payments", "ghost"],
    });
    assert.deepEqual(moved.Results, [
      { TopicName: "orders", Success: true },
      { TopicName: "payments", Success: false },
      { TopicName: "ghost", Success: false },
    ]);
    assert.equal((await stageOf("orders"))?.MigrationStatus, expected);
    assert.equal(
      (await stageOf("orders"))?.HealthCheckPassed,
      false,
      "each stage needs a new check",
    );
  }
  await call("DoHealthCheckOnMigratingTopic", { TaskId: DEMO_TASK, TopicName: "orders" });
  const last = await call("ChangeMigratingTopicToNextStage", {
    TaskId: DEMO_TASK,
    TopicNameList: ["orders"],
  });
  assert.deepEqual(
    last.Results,
    [{ TopicName: "orders", Success: false }],
    "no stage after the last",
  );
  await call("RollbackMigratingTopicStage", { TaskId: DEMO_TASK, TopicName: "orders" });
  assert.equal((await stageOf("orders"))?.MigrationStatus, "S_R_D_RW");
  await fails(
    "RollbackMigratingTopicStage",
    { TaskId: DEMO_TASK, TopicName: "payments" },
    "FailedOperation",
  );
  await fails(
    "DoHealthCheckOnMigratingTopic",
    { TaskId: DEMO_TASK, TopicName: "ghost" },
    "ResourceNotFound.Topic",
  );
  const forced = await call("DoHealthCheckOnMigratingTopic", {
    TaskId: DEMO_TASK,
    TopicName: "payments",
    IgnoreCheck: true,
  });
  assert.equal(forced.Passed, true);
  await call("RemoveMigratingTopic", { TaskId: DEMO_TASK, TopicName: "audit-log" });
  assert.equal((await call("DescribeMigratingTopicList", { TaskId: DEMO_TASK })).TotalCount, 3);
  await call("DeleteSmoothMigrationTask", { TaskId: DEMO_TASK });
  assert.equal((await call("DescribeSmoothMigrationTaskList", {})).TotalCount, 0);
});

Deno.test("trocket MQTT: instances, topics and users", async () => {
  const { call, fails } = setup();
  const skus = await call("DescribeMQTTProductSKUList", {});
  assert.ok((skus.TotalCount as number) > 0);
  const seeded = await call("DescribeMQTTInstanceList", {
    Filters: [{ Name: "InstanceName", Values: ["demo"] }],
  });
  assert.deepEqual((seeded.Data as Array<{ InstanceId: string }>).map((i) => i.InstanceId), [
    DEMO_MQTT_INSTANCE,
  ]);
  const { InstanceId } = await call("CreateMQTTInstance", {
    InstanceType: "PRO",
    Name: "fleet",
    SkuCode: "pro_4k",
  });
  await fails(
    "CreateMQTTInstance",
    { InstanceType: "PRO", Name: "x", SkuCode: "nope" },
    "InvalidParameterValue",
  );
  const detail = await call("DescribeMQTTInstance", { InstanceId });
  assert.equal(detail.InstanceName, "fleet");
  assert.equal(detail.TopicNum, 0);
  assert.equal(detail.TopicNumLimit, 300);
  await call("CreateMQTTTopic", { InstanceId, Topic: "sensors", Remark: "r" });
  await call("CreateMQTTTopic", { InstanceId, Topic: "alerts" });
  await fails(
    "CreateMQTTTopic",
    { InstanceId, Topic: "alerts" },
    "UnsupportedOperation.ResourceAlreadyExists",
  );
  await call("ModifyMQTTTopic", { InstanceId, Topic: "alerts", Remark: "urgent" });
  assert.equal((await call("DescribeMQTTTopic", { InstanceId, Topic: "alerts" })).Remark, "urgent");
  const topics = await call("DescribeMQTTTopicList", {
    InstanceId,
    Filters: [{ Name: "TopicName", Values: ["sens"] }],
  });
  assert.deepEqual(topics, {
    TotalCount: 1,
    Data: [{ InstanceId, Topic: "sensors", Remark: "r" }],
  });
  await call("DeleteMQTTTopic", { InstanceId, Topic: "sensors" });
  await fails("DescribeMQTTTopic", { InstanceId, Topic: "sensors" }, "ResourceNotFound.Topic");
  await call("CreateMQTTUser", {
    InstanceId,
    Username: "dev-1",
    Remark: "",
    PermRead: true,
    PermWrite: false,
    Password: "pw",
  });
  await call("ModifyMQTTUser", { InstanceId, Username: "dev-1", PermRead: true, PermWrite: true });
  const users = await call("DescribeMQTTUserList", { InstanceId });
  assert.equal((users.Data as Array<{ PermWrite: boolean }>)[0]?.PermWrite, true);
  await call("DeleteMQTTUser", { InstanceId, Username: "dev-1" });
  await fails("DeleteMQTTUser", { InstanceId, Username: "dev-1" }, "ResourceNotFound.Role");
  await call("ModifyMQTTInstance", { InstanceId, Name: "fleet-2" });
  assert.equal((await call("DescribeMQTTInstance", { InstanceId })).InstanceName, "fleet-2");
  await call("DeleteMQTTInstance", { InstanceId });
  await fails("DescribeMQTTInstance", { InstanceId }, "ResourceNotFound.Instance");
  await fails(
    "DescribeMQTTTopicList",
    { InstanceId: DEMO_TARGET_INSTANCE },
    "ResourceNotFound.Instance",
  );
});

Deno.test("trocket: a new instance is CREATING for its first 3 reads, then RUNNING", async () => {
  const { call } = setup();
  const { InstanceId } = await call("CreateInstance", {
    InstanceType: "BASIC",
    Name: "slow",
    SkuCode: "basic_2k",
  });
  const statuses: unknown[] = [];
  for (let i = 0; i < 3; i++) {
    statuses.push((await call("DescribeInstance", { InstanceId })).InstanceStatus);
  }
  const listed = await call("DescribeInstanceList", {
    Filters: [{ Name: "InstanceId", Values: [InstanceId] }],
  });
  statuses.push((listed.Data as Array<{ InstanceStatus: string }>)[0]?.InstanceStatus);
  statuses.push((await call("DescribeInstance", { InstanceId })).InstanceStatus);
  assert.deepEqual(statuses, ["CREATING", "CREATING", "CREATING", "RUNNING", "RUNNING"]);
});
