/**
 * Built-in seed data of the emulated trocket 5.x (2023-03-08) service: the demo instances and
 * the demo smooth-migration task. The ids are fixed: the demo workflow and the tests rely on them.
 *
 * @module
 */

/** A topic of an instance. */
export interface TopicState {
  Topic: string;
  TopicType: string;
  QueueNum: number;
  Remark: string;
  MsgTTL: number;
  /** Milliseconds since the epoch. */
  CreatedTime: number;
  TagList: Array<{ TagKey: string; TagValue: string }>;
}

/** A consumer group of an instance. */
export interface GroupState {
  ConsumerGroup: string;
  ConsumeEnable: boolean;
  ConsumeMessageOrderly: boolean;
  MaxRetryTimes: number;
  Remark: string;
  /** Milliseconds since the epoch. */
  CreateTime: number;
  TagList: Array<{ TagKey: string; TagValue: string }>;
}

/** A role (ACL principal) of an instance. */
export interface RoleState {
  RoleName: string;
  PermRead: boolean;
  PermWrite: boolean;
  PermType: string;
  AccessKey: string;
  SecretKey: string;
  Remark: string;
  CreatedTime: number;
  ModifiedTime: number;
}

/** A trocket 5.x instance with its topics, groups and roles. */
export interface InstanceState {
  InstanceId: string;
  InstanceName: string;
  Region: string;
  InstanceType: string;
  SkuCode: string;
  InstanceStatus: string;
  /**
   * A new instance is `CREATING` for this many more reads (`DescribeInstance`, or a
   * `DescribeInstanceList` in its region), then `RUNNING`: an `until` poll waits for it.
   */
  readsUntilRunning?: number;
  Remark: string;
  PayMode: string;
  RenewFlag: number;
  MessageRetention: number;
  TopicNumLimit: number;
  GroupNumLimit: number;
  RoleNumLimit: number;
  TpsLimit: number;
  SendReceiveRatio: number;
  AclEnabled: boolean;
  ScaledTpsEnabled: boolean;
  VpcList: Array<{ VpcId: string; SubnetId: string }>;
  EnablePublic: boolean;
  CreatedTime: number;
  ExpiryTime: number;
  TagList: Array<{ TagKey: string; TagValue: string }>;
  topics: TopicState[];
  groups: GroupState[];
  roles: RoleState[];
}

/** A topic of a migration task's source cluster, with its import status. */
export interface SourceTopicState {
  TopicName: string;
  TopicType: string;
  QueueNum: number;
  Remark: string;
  Imported: boolean;
  /** `Unknown` before the import, then `Success`, `AlreadyExists` or `Failure`. */
  ImportStatus: string;
  /**
   * Stage of the switch-over: `S_RW_D_NA` (source read/write, target unused) → `S_RW_D_R` →
   * `S_RW_D_RW` → `S_R_D_RW` → `S_NA_D_RW` (target only).
   */
  MigrationStatus: string;
  /** Whether the last health check passed (a stage change needs one). */
  HealthCheckPassed: boolean;
}

/** A consumer group of a migration task's source cluster, with its import status. */
export interface SourceGroupState {
  GroupName: string;
  Remark: string;
  ConsumeMessageOrderly: boolean;
  Imported: boolean;
  ImportStatus: string;
}

/** A smooth-migration task: a source RocketMQ cluster migrated onto a target instance. */
export interface MigrationTaskState {
  TaskId: string;
  TaskName: string;
  Region: string;
  SourceClusterName: string;
  /** The target instance. */
  InstanceId: string;
  ConnectionType: string;
  SourceNameServer: string;
  TaskStatus: string;
  InstanceVersion: string;
  sourceTopics: SourceTopicState[];
  sourceGroups: SourceGroupState[];
}

/** An MQTT topic. */
export interface MqttTopicState {
  Topic: string;
  Remark: string;
  CreateTime: number;
}

/** An MQTT user (username/password principal). */
export interface MqttUserState {
  Username: string;
  Password: string;
  PermRead: boolean;
  PermWrite: boolean;
  Remark: string;
  CreatedTime: number;
  ModifiedTime: number;
}

/** An MQTT instance with its topics and users. */
export interface MqttInstanceState {
  InstanceId: string;
  InstanceName: string;
  Region: string;
  InstanceType: string;
  SkuCode: string;
  InstanceStatus: string;
  Remark: string;
  TopicNumLimit: number;
  TpsLimit: number;
  SubscriptionNumLimit: number;
  ClientNumLimit: number;
  CreateTime: number;
  topics: MqttTopicState[];
  users: MqttUserState[];
}

/** The whole trocket state: what `/_emulator/state` shows under `trocket` and `--data` sets. */
export interface TrocketState {
  instances: InstanceState[];
  migrationTasks: MigrationTaskState[];
  mqttInstances: MqttInstanceState[];
}

/** The demo MQTT instance. */
export const DEMO_MQTT_INSTANCE = "mqtt-demo0001";

/** The demo region. */
export const DEMO_REGION = "ap-guangzhou";
/** The demo migration target instance (empty). */
export const DEMO_TARGET_INSTANCE = "rmq-72mo3a9o";
/** The demo instance that already holds topics and groups. */
export const DEMO_EXISTING_INSTANCE = "rmq-2x9f8k1p";
/** The demo smooth-migration task. */
export const DEMO_TASK = "task-demo0001";

/** 2024-05-01T00:00:00Z: creation time of the seeded resources. */
const SEEDED_AT_MS = 1714521600000;
const YEAR_MS = 365 * 24 * 3600 * 1000;

function instance(
  fields: Pick<
    InstanceState,
    "InstanceId" | "InstanceName" | "InstanceType" | "SkuCode" | "Remark"
  >,
): InstanceState {
  const pro = fields.InstanceType === "PRO";
  return {
    ...fields,
    Region: DEMO_REGION,
    InstanceStatus: "RUNNING",
    PayMode: "PREPAID",
    RenewFlag: 1,
    MessageRetention: 72,
    TopicNumLimit: pro ? 300 : 100,
    GroupNumLimit: pro ? 3000 : 1000,
    RoleNumLimit: 100,
    TpsLimit: pro ? 10000 : 2000,
    SendReceiveRatio: 0.5,
    AclEnabled: true,
    ScaledTpsEnabled: false,
    VpcList: [{ VpcId: "vpc-demo0001", SubnetId: "subnet-demo0001" }],
    EnablePublic: false,
    CreatedTime: SEEDED_AT_MS,
    ExpiryTime: SEEDED_AT_MS + 3 * YEAR_MS,
    TagList: [{ TagKey: "env", TagValue: "demo" }],
    topics: [],
    groups: [],
    roles: [],
  };
}

function topic(Topic: string, TopicType: string, QueueNum: number, Remark: string): TopicState {
  return { Topic, TopicType, QueueNum, Remark, MsgTTL: 72, CreatedTime: SEEDED_AT_MS, TagList: [] };
}

function group(ConsumerGroup: string, Remark: string, orderly = false): GroupState {
  return {
    ConsumerGroup,
    ConsumeEnable: true,
    ConsumeMessageOrderly: orderly,
    MaxRetryTimes: 16,
    Remark,
    CreateTime: SEEDED_AT_MS,
    TagList: [],
  };
}

function sourceTopic(TopicName: string, TopicType: string, QueueNum: number): SourceTopicState {
  return {
    TopicName,
    TopicType,
    QueueNum,
    Remark: "",
    Imported: false,
    ImportStatus: "Unknown",
    MigrationStatus: "S_RW_D_NA",
    HealthCheckPassed: false,
  };
}

function sourceGroup(GroupName: string, orderly = false): SourceGroupState {
  return {
    GroupName,
    Remark: "",
    ConsumeMessageOrderly: orderly,
    Imported: false,
    ImportStatus: "Unknown",
  };
}

/** A fresh copy of the built-in seed data. */
export function trocketSeedData(): TrocketState {
  const target = instance({
    InstanceId: DEMO_TARGET_INSTANCE,
    InstanceName: "demo-target",
    InstanceType: "PRO",
    SkuCode: "pro_4k",
    Remark: "migration target",
  });
  const existing = instance({
    InstanceId: DEMO_EXISTING_INSTANCE,
    InstanceName: "demo-existing",
    InstanceType: "BASIC",
    SkuCode: "basic_2k",
    Remark: "",
  });
  existing.topics.push(
    topic("order-events", "NORMAL", 8, "orders placed"),
    topic("user-signup", "NORMAL", 4, ""),
    topic("inventory-sync", "FIFO", 4, "ordered stock updates"),
  );
  existing.groups.push(
    group("order-service", "consumes order-events"),
    group("analytics", ""),
    group("inventory-worker", "", true),
  );
  existing.roles.push({
    RoleName: "app-producer",
    PermRead: false,
    PermWrite: true,
    PermType: "Cluster",
    AccessKey: "akDemoProducer0001",
    SecretKey: "skDemoProducer0001",
    Remark: "demo producer",
    CreatedTime: SEEDED_AT_MS,
    ModifiedTime: SEEDED_AT_MS,
  });
  return {
    instances: [target, existing],
    migrationTasks: [{
      TaskId: DEMO_TASK,
      TaskName: "demo-migration",
      Region: DEMO_REGION,
      SourceClusterName: "rocketmq-src-demo",
      InstanceId: DEMO_TARGET_INSTANCE,
      ConnectionType: "VPC",
      SourceNameServer: "10.0.0.10:9876",
      TaskStatus: "MetaDataImport",
      InstanceVersion: "5",
      sourceTopics: [
        sourceTopic("orders", "NORMAL", 8),
        sourceTopic("payments", "NORMAL", 8),
        sourceTopic("audit-log", "NORMAL", 4),
        sourceTopic("delayed-jobs", "DELAY", 4),
      ],
      sourceGroups: [sourceGroup("billing"), sourceGroup("audit"), sourceGroup("scheduler")],
    }],
    mqttInstances: [{
      InstanceId: DEMO_MQTT_INSTANCE,
      InstanceName: "demo-mqtt",
      Region: DEMO_REGION,
      InstanceType: "BASIC",
      SkuCode: "basic_2k",
      InstanceStatus: "RUNNING",
      Remark: "",
      TopicNumLimit: 100,
      TpsLimit: 2000,
      SubscriptionNumLimit: 10000,
      ClientNumLimit: 10000,
      CreateTime: SEEDED_AT_MS,
      topics: [
        { Topic: "telemetry", Remark: "device readings", CreateTime: SEEDED_AT_MS },
        { Topic: "commands", Remark: "", CreateTime: SEEDED_AT_MS },
      ],
      users: [{
        Username: "device-fleet",
        Password: "demo-device-password",
        PermRead: true,
        PermWrite: true,
        Remark: "shared by the demo devices",
        CreatedTime: SEEDED_AT_MS,
        ModifiedTime: SEEDED_AT_MS,
      }],
    }],
  };
}

/**
 * Reads `--data` for trocket: `{instances, migrationTasks}` in the snapshot shape, where each
 * record may leave out fields (they take the demo defaults) and lists default to empty.
 */
export function normalizeTrocketData(data: unknown): TrocketState {
  const value = data as Partial<Record<keyof TrocketState, unknown>> | null;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(
      "trocket data must be an object {instances, migrationTasks, mqttInstances}",
    );
  }
  const seed = trocketSeedData();
  const instanceDefaults = { ...seed.instances[0]!, TagList: [], Remark: "" };
  const taskDefaults = seed.migrationTasks[0]!;
  const records = (list: unknown, what: string): Array<Record<string, unknown>> => {
    if (list === undefined) return [];
    if (!Array.isArray(list) || list.some((x) => x === null || typeof x !== "object")) {
      throw new TypeError(`trocket data: ${what} must be a list of objects`);
    }
    return structuredClone(list) as Array<Record<string, unknown>>;
  };
  const instances = records(value.instances, "instances").map((i, n) => {
    if (typeof i.InstanceId !== "string") {
      throw new TypeError(`trocket data: instances[${n}] needs an InstanceId`);
    }
    const instance = { ...structuredClone(instanceDefaults), ...i } as InstanceState;
    instance.topics = records(i.topics, `instances[${n}].topics`).map((t) =>
      ({
        TopicType: "NORMAL",
        QueueNum: 4,
        Remark: "",
        MsgTTL: instance.MessageRetention,
        CreatedTime: instance.CreatedTime,
        TagList: [],
        ...t,
      }) as unknown as TopicState
    );
    instance.groups = records(i.groups, `instances[${n}].groups`).map((g) =>
      ({
        ConsumeEnable: true,
        ConsumeMessageOrderly: false,
        MaxRetryTimes: 16,
        Remark: "",
        CreateTime: instance.CreatedTime,
        TagList: [],
        ...g,
      }) as unknown as GroupState
    );
    instance.roles = records(i.roles, `instances[${n}].roles`) as unknown as InstanceState["roles"];
    return instance;
  });
  const migrationTasks = records(value.migrationTasks, "migrationTasks").map((t, n) => {
    if (typeof t.TaskId !== "string") {
      throw new TypeError(`trocket data: migrationTasks[${n}] needs a TaskId`);
    }
    const task = { ...structuredClone(taskDefaults), ...t } as MigrationTaskState;
    task.sourceTopics = records(t.sourceTopics, `migrationTasks[${n}].sourceTopics`).map((x) =>
      ({
        TopicType: "NORMAL",
        QueueNum: 4,
        Remark: "",
        Imported: false,
        ImportStatus: "Unknown",
        MigrationStatus: "S_RW_D_NA",
        HealthCheckPassed: false,
        ...x,
      }) as unknown as SourceTopicState
    );
    task.sourceGroups = records(t.sourceGroups, `migrationTasks[${n}].sourceGroups`).map((x) =>
      ({
        Remark: "",
        ConsumeMessageOrderly: false,
        Imported: false,
        ImportStatus: "Unknown",
        ...x,
      }) as unknown as SourceGroupState
    );
    return task;
  });
  const mqttDefaults = seed.mqttInstances[0]!;
  const mqttInstances = value.mqttInstances === undefined
    ? []
    : records(value.mqttInstances, "mqttInstances").map((m, n) => {
      if (typeof m.InstanceId !== "string") {
        throw new TypeError(`trocket data: mqttInstances[${n}] needs an InstanceId`);
      }
      const instance = { ...structuredClone(mqttDefaults), Remark: "", ...m } as MqttInstanceState;
      instance.topics = records(m.topics, `mqttInstances[${n}].topics`).map((t) =>
        ({
          Remark: "",
          CreateTime: instance.CreateTime,
          ...t,
        }) as unknown as MqttTopicState
      );
      instance.users = records(m.users, `mqttInstances[${n}].users`).map((u) =>
        ({
          Password: "",
          PermRead: true,
          PermWrite: false,
          Remark: "",
          CreatedTime: instance.CreateTime,
          ModifiedTime: instance.CreateTime,
          ...u,
        }) as unknown as MqttUserState
      );
      return instance;
    });
  return { instances, migrationTasks, mqttInstances };
}
