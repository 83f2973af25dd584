/**
 * Emulated trocket 5.x (TDMQ RocketMQ, API 2023-03-08): instances, topics, consumer groups,
 * roles and smooth-migration tasks whose imports create topics and groups on the target
 * instance. Shapes and error codes follow the seed document and the official SDK's models.
 *
 * @module
 */
import { clone, filters, fuzzy, intParam, oneOf, page, stringParam } from "./_list.ts";
import { ApiError, type CallContext, type ServiceEmulator } from "./service.ts";
import {
  type GroupState,
  type InstanceState,
  type MigrationTaskState,
  normalizeTrocketData,
  type TopicState,
  type TrocketState,
  trocketSeedData,
} from "./trocket_data.ts";

type Params = Record<string, unknown>;

const TOPIC_TYPES = ["UNSPECIFIED", "NORMAL", "FIFO", "DELAY", "TRANSACTION"];
const INSTANCE_TYPES = ["EXPERIMENT", "BASIC", "PRO", "PLATINUM"];
/** Topic, group and role names: 3–64 letters, digits, `-` and `_`. */
const NAME = /^[A-Za-z0-9_-]{3,64}$/;
/** `TopicType` filter values of DescribeTopicList (4.x spelling) and their 5.x types. */
const TOPIC_TYPE_ALIASES: Record<string, string> = {
  normal: "NORMAL",
  order: "FIFO",
  fifo: "FIFO",
  transaction: "TRANSACTION",
  delayscheduled: "DELAY",
  delay: "DELAY",
  unspecified: "UNSPECIFIED",
};

function checkName(kind: string, name: string): void {
  if (!NAME.test(name)) {
    throw new ApiError(
      "InvalidParameterValue",
      `${kind} \`${name}\` is invalid: 3 to 64 letters, digits, "-" or "_"`,
    );
  }
}

function checkTopicType(type: string, field = "TopicType"): void {
  if (!TOPIC_TYPES.includes(type)) {
    throw new ApiError(
      "InvalidParameterValue",
      `${field} \`${type}\` is invalid; use one of ${TOPIC_TYPES.join(", ")}`,
    );
  }
}

function checkQueueNum(queueNum: number, field = "QueueNum"): void {
  if (!Number.isInteger(queueNum) || queueNum < 1 || queueNum > 128) {
    throw new ApiError("InvalidParameterValue", `${field} must be between 1 and 128: got ${queueNum}`);
  }
}

function tags(value: unknown): Array<{ TagKey: string; TagValue: string }> {
  return Array.isArray(value) ? clone(value as Array<{ TagKey: string; TagValue: string }>) : [];
}

function bool(params: Params, name: string, fallback: boolean): boolean {
  const value = params[name];
  return typeof value === "boolean" ? value : fallback;
}

function str(params: Params, name: string, fallback: string): string {
  const value = params[name];
  return typeof value === "string" ? value : fallback;
}

/** Creates the trocket 2023-03-08 emulator, loaded with the built-in demo data. */
export function createTrocketEmulator(): ServiceEmulator {
  let state: TrocketState = trocketSeedData();

  const inRegion = (region: string, ctx: CallContext) => ctx.region === "" || region === ctx.region;

  function findInstance(params: Params, ctx: CallContext): InstanceState {
    const id = stringParam(params, "InstanceId");
    const found = state.instances.find((i) => i.InstanceId === id && inRegion(i.Region, ctx));
    if (found === undefined) {
      throw new ApiError(
        "ResourceNotFound.Instance",
        `The instance \`${id}\` does not exist in region ${ctx.region || "(none)"}.`,
      );
    }
    return found;
  }

  function findTopic(instance: InstanceState, name: string): TopicState {
    const found = instance.topics.find((t) => t.Topic === name);
    if (found === undefined) {
      throw new ApiError(
        "ResourceNotFound.Topic",
        `The topic \`${name}\` does not exist on instance ${instance.InstanceId}.`,
      );
    }
    return found;
  }

  function findGroup(instance: InstanceState, name: string): GroupState {
    const found = instance.groups.find((g) => g.ConsumerGroup === name);
    if (found === undefined) {
      throw new ApiError(
        "ResourceNotFound.Group",
        `The consumer group \`${name}\` does not exist on instance ${instance.InstanceId}.`,
      );
    }
    return found;
  }

  function findTask(params: Params, ctx: CallContext): MigrationTaskState {
    const id = stringParam(params, "TaskId");
    const found = state.migrationTasks.find((t) => t.TaskId === id && inRegion(t.Region, ctx));
    if (found === undefined) {
      throw new ApiError("ResourceNotFound", `The migration task \`${id}\` does not exist.`);
    }
    return found;
  }

  function targetOf(task: MigrationTaskState): InstanceState {
    const target = state.instances.find((i) => i.InstanceId === task.InstanceId);
    if (target === undefined) {
      throw new ApiError(
        "ResourceNotFound.Instance",
        `The target instance \`${task.InstanceId}\` of task ${task.TaskId} does not exist.`,
      );
    }
    return target;
  }

  function addTopic(instance: InstanceState, topic: TopicState): void {
    if (instance.topics.some((t) => t.Topic === topic.Topic)) {
      throw new ApiError(
        "UnsupportedOperation.ResourceAlreadyExists",
        `The topic \`${topic.Topic}\` already exists on instance ${instance.InstanceId}.`,
      );
    }
    if (instance.topics.length >= instance.TopicNumLimit) {
      throw new ApiError(
        "LimitExceeded.TopicNum",
        `Instance ${instance.InstanceId} already has its limit of ${instance.TopicNumLimit} topics.`,
      );
    }
    instance.topics.push(topic);
  }

  function newGroup(name: string, params: Params, ctx: CallContext): GroupState {
    return {
      ConsumerGroup: name,
      ConsumeEnable: bool(params, "ConsumeEnable", true),
      ConsumeMessageOrderly: bool(params, "ConsumeMessageOrderly", false),
      MaxRetryTimes: intParam(params, "MaxRetryTimes", 16),
      Remark: str(params, "Remark", ""),
      CreateTime: ctx.now(),
      TagList: tags(params.TagList),
    };
  }

  function addGroup(instance: InstanceState, group: GroupState): void {
    if (instance.groups.some((g) => g.ConsumerGroup === group.ConsumerGroup)) {
      throw new ApiError(
        "UnsupportedOperation.ResourceAlreadyExists",
        `The consumer group \`${group.ConsumerGroup}\` already exists on instance ${instance.InstanceId}.`,
      );
    }
    if (instance.groups.length >= instance.GroupNumLimit) {
      throw new ApiError(
        "LimitExceeded",
        `Instance ${instance.InstanceId} already has its limit of ${instance.GroupNumLimit} groups.`,
      );
    }
    instance.groups.push(group);
  }

  const instanceItem = (i: InstanceState) => ({
    InstanceId: i.InstanceId,
    InstanceName: i.InstanceName,
    Version: "5.x",
    InstanceType: i.InstanceType,
    InstanceStatus: i.InstanceStatus,
    TopicNumLimit: i.TopicNumLimit,
    GroupNumLimit: i.GroupNumLimit,
    PayMode: i.PayMode,
    ExpiryTime: i.ExpiryTime,
    Remark: i.Remark,
    TopicNum: i.topics.length,
    GroupNum: i.groups.length,
    TagList: clone(i.TagList),
    SkuCode: i.SkuCode,
    TpsLimit: i.TpsLimit,
    ScaledTpsLimit: i.TpsLimit,
    MessageRetention: i.MessageRetention,
    MaxMessageDelay: 24 * 3600,
    RenewFlag: i.RenewFlag,
  });

  const topicItem = (i: InstanceState, t: TopicState) => ({
    InstanceId: i.InstanceId,
    Topic: t.Topic,
    TopicType: t.TopicType,
    QueueNum: t.QueueNum,
    Remark: t.Remark,
    MsgTTL: t.MsgTTL,
    TagList: clone(t.TagList),
  });

  const groupItem = (i: InstanceState, g: GroupState) => ({
    InstanceId: i.InstanceId,
    ConsumerGroup: g.ConsumerGroup,
    ConsumeEnable: g.ConsumeEnable,
    ConsumeMessageOrderly: g.ConsumeMessageOrderly,
    MaxRetryTimes: g.MaxRetryTimes,
    Remark: g.Remark,
    SubscribeTopicNum: 0,
    CreateTime: g.CreateTime,
    TagList: clone(g.TagList),
  });

  const actions: ServiceEmulator["actions"] = {
    // ---- instances ----
    CreateInstance(params, ctx) {
      const type = stringParam(params, "InstanceType");
      if (!INSTANCE_TYPES.includes(type)) {
        throw new ApiError(
          "InvalidParameterValue",
          `InstanceType \`${type}\` is invalid; use one of ${INSTANCE_TYPES.join(", ")}`,
        );
      }
      const pro = type === "PRO" || type === "PLATINUM";
      const id = ctx.newId("rmq-");
      const now = ctx.now();
      const instance: InstanceState = {
        InstanceId: id,
        InstanceName: stringParam(params, "Name"),
        Region: ctx.region,
        InstanceType: type,
        SkuCode: stringParam(params, "SkuCode"),
        InstanceStatus: "RUNNING",
        Remark: str(params, "Remark", ""),
        PayMode: intParam(params, "PayMode", 0) === 1 ? "PREPAID" : "POSTPAID",
        RenewFlag: intParam(params, "RenewFlag", 0),
        MessageRetention: intParam(params, "MessageRetention", 72),
        TopicNumLimit: intParam(params, "MaxTopicNum", pro ? 300 : 100),
        GroupNumLimit: pro ? 3000 : 1000,
        RoleNumLimit: 100,
        TpsLimit: pro ? 10000 : 2000,
        SendReceiveRatio: 0.5,
        AclEnabled: true,
        ScaledTpsEnabled: false,
        VpcList: clone((params.VpcList ?? []) as Array<{ VpcId: string; SubnetId: string }>),
        EnablePublic: bool(params, "EnablePublic", false),
        CreatedTime: now,
        ExpiryTime: now + intParam(params, "TimeSpan", 1) * 30 * 24 * 3600 * 1000,
        TagList: tags(params.TagList),
        topics: [],
        groups: [],
        roles: [],
      };
      state.instances.push(instance);
      return { InstanceId: id };
    },
    DeleteInstance(params, ctx) {
      const instance = findInstance(params, ctx);
      state.instances = state.instances.filter((i) => i !== instance);
      return {};
    },
    ModifyInstance(params, ctx) {
      const instance = findInstance(params, ctx);
      instance.InstanceName = str(params, "Name", instance.InstanceName);
      instance.Remark = str(params, "Remark", instance.Remark);
      instance.SkuCode = str(params, "SkuCode", instance.SkuCode);
      instance.MessageRetention = intParam(params, "MessageRetention", instance.MessageRetention);
      instance.AclEnabled = bool(params, "AclEnabled", instance.AclEnabled);
      instance.ScaledTpsEnabled = bool(params, "ScaledTpsEnabled", instance.ScaledTpsEnabled);
      const maxTopics = intParam(params, "MaxTopicNum", instance.TopicNumLimit);
      if (maxTopics < instance.topics.length) {
        throw new ApiError(
          "UnsupportedOperation.InstanceTopicNumDowngrade",
          `MaxTopicNum ${maxTopics} is below the ${instance.topics.length} topics in use.`,
        );
      }
      instance.TopicNumLimit = maxTopics;
      return {};
    },
    DescribeInstance(params, ctx) {
      const i = findInstance(params, ctx);
      return {
        InstanceType: i.InstanceType,
        InstanceId: i.InstanceId,
        InstanceName: i.InstanceName,
        TopicNum: i.topics.length,
        TopicNumLimit: i.TopicNumLimit,
        GroupNum: i.groups.length,
        GroupNumLimit: i.GroupNumLimit,
        MessageRetention: i.MessageRetention,
        RetentionUpperLimit: 720,
        RetentionLowerLimit: 24,
        TpsLimit: i.TpsLimit,
        ScaledTpsLimit: i.TpsLimit,
        MaxMessageDelay: 24 * 3600,
        CreatedTime: i.CreatedTime,
        SendReceiveRatio: i.SendReceiveRatio,
        TagList: clone(i.TagList),
        EndpointList: i.VpcList.map((vpc) => ({
          Type: "VPC",
          Status: "OPEN",
          EndpointUrl: `${i.InstanceId}.${i.Region}.rocketmq.tencenttdmq.com:8080`,
          VpcId: vpc.VpcId,
          SubnetId: vpc.SubnetId,
        })),
        TopicQueueNumUpperLimit: 128,
        TopicQueueNumLowerLimit: 1,
        Remark: i.Remark,
        InstanceStatus: i.InstanceStatus,
        SkuCode: i.SkuCode,
        PayMode: i.PayMode,
        ScaledTpsEnabled: i.ScaledTpsEnabled,
        RenewFlag: i.RenewFlag,
        ExpiryTime: i.ExpiryTime,
        RoleNumLimit: i.RoleNumLimit,
        AclEnabled: i.AclEnabled,
        TopicNumLowerLimit: 1,
        TopicNumUpperLimit: 3000,
      };
    },
    DescribeInstanceList(params, ctx) {
      const f = filters(params, ["InstanceName", "InstanceId", "InstanceType", "InstanceStatus"]);
      const tagFilters = Array.isArray(params.TagFilters)
        ? params.TagFilters as Array<{ TagKey: string; TagValues: string[] }>
        : [];
      const matches = state.instances.filter((i) =>
        inRegion(i.Region, ctx) &&
        (tagFilters.length > 0
          ? tagFilters.every((tf) =>
            i.TagList.some((t) => t.TagKey === tf.TagKey && oneOf(t.TagValue, tf.TagValues))
          )
          : fuzzy(i.InstanceName, f.get("InstanceName")) &&
            oneOf(i.InstanceId, f.get("InstanceId")) &&
            oneOf(i.InstanceType, f.get("InstanceType")) &&
            oneOf(i.InstanceStatus, f.get("InstanceStatus")))
      );
      const { TotalCount, page: items } = page(matches, params);
      return { TotalCount, Data: items.map(instanceItem) };
    },

    // ---- topics ----
    CreateTopic(params, ctx) {
      const instance = findInstance(params, ctx);
      const name = stringParam(params, "Topic");
      checkName("Topic", name);
      const type = stringParam(params, "TopicType");
      checkTopicType(type);
      const queueNum = intParam(params, "QueueNum", 3);
      checkQueueNum(queueNum);
      addTopic(instance, {
        Topic: name,
        TopicType: type,
        QueueNum: queueNum,
        Remark: str(params, "Remark", ""),
        MsgTTL: intParam(params, "MsgTTL", instance.MessageRetention),
        CreatedTime: ctx.now(),
        TagList: tags(params.TagList),
      });
      return { InstanceId: instance.InstanceId, Topic: name };
    },
    DeleteTopic(params, ctx) {
      const instance = findInstance(params, ctx);
      const topic = findTopic(instance, stringParam(params, "Topic"));
      instance.topics = instance.topics.filter((t) => t !== topic);
      return {};
    },
    ModifyTopic(params, ctx) {
      const instance = findInstance(params, ctx);
      const topic = findTopic(instance, stringParam(params, "Topic"));
      const queueNum = intParam(params, "QueueNum", topic.QueueNum);
      checkQueueNum(queueNum);
      topic.QueueNum = queueNum;
      topic.Remark = str(params, "Remark", topic.Remark);
      topic.MsgTTL = intParam(params, "MsgTTL", topic.MsgTTL);
      return {};
    },
    DescribeTopic(params, ctx) {
      const instance = findInstance(params, ctx);
      const t = findTopic(instance, stringParam(params, "Topic"));
      filters(params, ["ConsumerGroup"]);
      return {
        InstanceId: instance.InstanceId,
        Topic: t.Topic,
        TopicType: t.TopicType,
        Remark: t.Remark,
        CreatedTime: t.CreatedTime,
        LastUpdateTime: 0,
        SubscriptionCount: 0,
        SubscriptionData: [],
        MsgTTL: t.MsgTTL,
      };
    },
    DescribeTopicList(params, ctx) {
      const instance = findInstance(params, ctx);
      const f = filters(params, ["TopicName", "TopicType"]);
      const types = f.get("TopicType")?.map((t) => TOPIC_TYPE_ALIASES[t.toLowerCase()] ?? t);
      const matches = instance.topics.filter((t) =>
        fuzzy(t.Topic, f.get("TopicName")) && oneOf(t.TopicType, types)
      );
      const { TotalCount, page: items } = page(matches, params);
      return { TotalCount, Data: items.map((t) => topicItem(instance, t)) };
    },

    // ---- consumer groups ----
    CreateConsumerGroup(params, ctx) {
      const instance = findInstance(params, ctx);
      const name = stringParam(params, "ConsumerGroup");
      checkName("ConsumerGroup", name);
      addGroup(instance, newGroup(name, params, ctx));
      return { InstanceId: instance.InstanceId, ConsumerGroup: name };
    },
    DeleteConsumerGroup(params, ctx) {
      const instance = findInstance(params, ctx);
      const group = findGroup(instance, stringParam(params, "ConsumerGroup"));
      instance.groups = instance.groups.filter((g) => g !== group);
      return {};
    },
    ModifyConsumerGroup(params, ctx) {
      const instance = findInstance(params, ctx);
      const group = findGroup(instance, stringParam(params, "ConsumerGroup"));
      group.ConsumeEnable = bool(params, "ConsumeEnable", group.ConsumeEnable);
      group.ConsumeMessageOrderly = bool(
        params,
        "ConsumeMessageOrderly",
        group.ConsumeMessageOrderly,
      );
      group.MaxRetryTimes = intParam(params, "MaxRetryTimes", group.MaxRetryTimes);
      group.Remark = str(params, "Remark", group.Remark);
      return {};
    },
    DescribeConsumerGroup(params, ctx) {
      const instance = findInstance(params, ctx);
      const g = findGroup(instance, stringParam(params, "ConsumerGroup"));
      return {
        ConsumerNum: 0,
        Tps: 0,
        ConsumerLag: 0,
        ConsumeType: "PUSH",
        CreatedTime: g.CreateTime,
        ConsumeMessageOrderly: g.ConsumeMessageOrderly,
        ConsumeEnable: g.ConsumeEnable,
        MaxRetryTimes: g.MaxRetryTimes,
        Remark: g.Remark,
        MessageModel: "CLUSTERING",
      };
    },
    DescribeConsumerGroupList(params, ctx) {
      const instance = findInstance(params, ctx);
      const f = filters(params, ["ConsumerGroupName", "ConsumeMessageOrderly"]);
      const matches = instance.groups.filter((g) =>
        fuzzy(g.ConsumerGroup, f.get("ConsumerGroupName")) &&
        oneOf(String(g.ConsumeMessageOrderly), f.get("ConsumeMessageOrderly"))
      );
      const { TotalCount, page: items } = page(matches, params);
      return { TotalCount, Data: items.map((g) => groupItem(instance, g)) };
    },

    // ---- roles ----
    CreateRole(params, ctx) {
      const instance = findInstance(params, ctx);
      const name = stringParam(params, "Role");
      checkName("Role", name);
      if (instance.roles.some((r) => r.RoleName === name)) {
        throw new ApiError(
          "UnsupportedOperation.ResourceAlreadyExists",
          `The role \`${name}\` already exists on instance ${instance.InstanceId}.`,
        );
      }
      const now = ctx.now();
      instance.roles.push({
        RoleName: name,
        PermRead: bool(params, "PermRead", false),
        PermWrite: bool(params, "PermWrite", false),
        PermType: str(params, "PermType", "Cluster"),
        AccessKey: str(params, "AccessKey", ctx.newId("ak")),
        SecretKey: str(params, "SecretKey", ctx.newId("sk")),
        Remark: str(params, "Remark", ""),
        CreatedTime: now,
        ModifiedTime: now,
      });
      return { Role: name };
    },
    ModifyRole(params, ctx) {
      const instance = findInstance(params, ctx);
      const name = stringParam(params, "Role");
      const role = instance.roles.find((r) => r.RoleName === name);
      if (role === undefined) {
        throw new ApiError("ResourceNotFound.Role", `The role \`${name}\` does not exist.`);
      }
      role.PermRead = bool(params, "PermRead", role.PermRead);
      role.PermWrite = bool(params, "PermWrite", role.PermWrite);
      role.PermType = str(params, "PermType", role.PermType);
      role.Remark = str(params, "Remark", role.Remark);
      role.ModifiedTime = ctx.now();
      return {};
    },
    DeleteRole(params, ctx) {
      const instance = findInstance(params, ctx);
      const name = stringParam(params, "Role");
      if (!instance.roles.some((r) => r.RoleName === name)) {
        throw new ApiError("ResourceNotFound.Role", `The role \`${name}\` does not exist.`);
      }
      instance.roles = instance.roles.filter((r) => r.RoleName !== name);
      return {};
    },
    DescribeRoleList(params, ctx) {
      const instance = findInstance(params, ctx);
      const f = filters(params, ["RoleName"]);
      const matches = instance.roles.filter((r) => fuzzy(r.RoleName, f.get("RoleName")));
      const { TotalCount, page: items } = page(matches, params);
      return { TotalCount, Data: clone(items) };
    },

    // ---- smooth migration ----
    DescribeSmoothMigrationTaskList(params, ctx) {
      const f = filters(params, ["TaskId", "TaskName", "TaskStatus", "InstanceId"]);
      const matches = state.migrationTasks.filter((t) =>
        inRegion(t.Region, ctx) && oneOf(t.TaskId, f.get("TaskId")) &&
        fuzzy(t.TaskName, f.get("TaskName")) && oneOf(t.TaskStatus, f.get("TaskStatus")) &&
        oneOf(t.InstanceId, f.get("InstanceId"))
      );
      const { TotalCount, page: items } = page(matches, params);
      return {
        TotalCount,
        Data: items.map((t) => ({
          TaskId: t.TaskId,
          TaskName: t.TaskName,
          SourceClusterName: t.SourceClusterName,
          InstanceId: t.InstanceId,
          ConnectionType: t.ConnectionType,
          SourceNameServer: t.SourceNameServer,
          TaskStatus: t.TaskStatus,
          InstanceVersion: t.InstanceVersion,
        })),
      };
    },
    DeleteSmoothMigrationTask(params, ctx) {
      const task = findTask(params, ctx);
      state.migrationTasks = state.migrationTasks.filter((t) => t !== task);
      return {};
    },
    DescribeMigratingTopicList(params, ctx) {
      const task = findTask(params, ctx);
      const f = filters(params, ["TopicName"]);
      const matches = task.sourceTopics.filter((t) => fuzzy(t.TopicName, f.get("TopicName")));
      const { TotalCount, page: items } = page(matches, params);
      return {
        TotalCount,
        MigrateTopics: items.map((t) => ({
          TopicName: t.TopicName,
          MigrationStatus: t.MigrationStatus,
          HealthCheckPassed: false,
          HealthCheckError: t.Imported ? "NotChecked" : "TopicNotImported",
          HealthCheckErrorList: [t.Imported ? "NotChecked" : "TopicNotImported"],
        })),
      };
    },
    DescribeSourceClusterGroupList(params, ctx) {
      const task = findTask(params, ctx);
      const f = filters(params, ["GroupName", "Imported", "ImportStatus"]);
      const matches = task.sourceGroups.filter((g) =>
        fuzzy(g.GroupName, f.get("GroupName")) && oneOf(String(g.Imported), f.get("Imported")) &&
        oneOf(g.ImportStatus, f.get("ImportStatus"))
      );
      const { TotalCount, page: items } = page(matches, params);
      return { TotalCount, Groups: clone(items) };
    },
    ImportSourceClusterTopics(params, ctx) {
      const task = findTask(params, ctx);
      const target = targetOf(task);
      const list = (params.TopicList ?? []) as Params[];
      // Check every entry before changing anything: an import is all or nothing.
      const plan = list.map((item, index) => {
        const name = stringParam(item, "TopicName");
        const source = task.sourceTopics.find((t) => t.TopicName === name);
        if (source === undefined) {
          throw new ApiError(
            "InvalidParameterValue",
            `TopicList[${index}].TopicName: topic \`${name}\` is not in source cluster ` +
              `${task.SourceClusterName} of task ${task.TaskId}`,
          );
        }
        const type = stringParam(item, "TopicType");
        checkTopicType(type, `TopicList[${index}].TopicType`);
        const queueNum = intParam(item, "QueueNum", source.QueueNum);
        checkQueueNum(queueNum, `TopicList[${index}].QueueNum`);
        return { source, type, queueNum, remark: str(item, "Remark", source.Remark) };
      });
      for (const { source, type, queueNum, remark } of plan) {
        if (target.topics.some((t) => t.Topic === source.TopicName)) {
          source.ImportStatus = "AlreadyExists";
        } else {
          addTopic(target, {
            Topic: source.TopicName,
            TopicType: type,
            QueueNum: queueNum,
            Remark: remark,
            MsgTTL: target.MessageRetention,
            CreatedTime: ctx.now(),
            TagList: [],
          });
          source.ImportStatus = "Success";
        }
        source.Imported = true;
        source.MigrationStatus = "S_RW_D_NA";
      }
      return {};
    },
    ImportSourceClusterConsumerGroups(params, ctx) {
      const task = findTask(params, ctx);
      const target = targetOf(task);
      const list = (params.GroupList ?? []) as Params[];
      const plan = list.map((item, index) => {
        const name = stringParam(item, "GroupName");
        const source = task.sourceGroups.find((g) => g.GroupName === name);
        if (source === undefined) {
          throw new ApiError(
            "InvalidParameterValue",
            `GroupList[${index}].GroupName: group \`${name}\` is not in source cluster ` +
              `${task.SourceClusterName} of task ${task.TaskId}`,
          );
        }
        return { source, item };
      });
      for (const { source, item } of plan) {
        if (target.groups.some((g) => g.ConsumerGroup === source.GroupName)) {
          source.ImportStatus = "AlreadyExists";
        } else {
          addGroup(
            target,
            newGroup(source.GroupName, {
              ConsumeMessageOrderly: bool(item, "ConsumeMessageOrderly", source.ConsumeMessageOrderly),
              Remark: str(item, "Remark", source.Remark),
            }, ctx),
          );
          source.ImportStatus = "Success";
        }
        source.Imported = true;
      }
      return {};
    },
  };

  return {
    service: "trocket",
    version: "2023-03-08",
    actions,
    snapshot: () => clone(state),
    load(data) {
      state = data === undefined ? trocketSeedData() : normalizeTrocketData(data);
    },
  };
}
