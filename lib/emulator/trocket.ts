/**
 * Emulated trocket 5.x (TDMQ RocketMQ, API 2023-03-08): instances, topics, consumer groups,
 * roles, smooth-migration tasks whose imports create topics and groups on the target
 * instance, and MQTT instances with their topics and users. Shapes and error codes follow the seed document and the official SDK's models.
 *
 * @module
 */
import { clone, filters, fuzzy, intParam, oneOf, page, stringParam } from "./_list.ts";
import { migrationActions } from "./_trocket_migration.ts";
import { mqttActions } from "./_trocket_mqtt.ts";
import {
  bool,
  checkName,
  checkQueueNum,
  checkTopicType,
  INSTANCE_TYPES,
  str,
  tags,
  TOPIC_TYPE_ALIASES,
  TrocketStore,
} from "./_trocket_store.ts";
import { ApiError, type ServiceEmulator } from "./service.ts";
import {
  type GroupState,
  type InstanceState,
  normalizeTrocketData,
  type TopicState,
  trocketSeedData,
} from "./trocket_data.ts";

/** Reads for which a new instance answers `CREATING` before it is `RUNNING`. */
export const CREATING_READS = 3;

/** One read of an instance: a `CREATING` one counts down, then is `RUNNING`. */
function read(instance: InstanceState): void {
  if (instance.readsUntilRunning === undefined) return;
  if (instance.readsUntilRunning > 0) {
    instance.readsUntilRunning--;
    return;
  }
  instance.InstanceStatus = "RUNNING";
  delete instance.readsUntilRunning;
}

/** Creates the trocket 2023-03-08 emulator, loaded with the built-in demo data. */
export function createTrocketEmulator(): ServiceEmulator {
  const store = new TrocketStore();

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
        // Being created: an instance is CREATING for its first reads, then RUNNING.
        InstanceStatus: "CREATING",
        readsUntilRunning: CREATING_READS,
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
      store.state.instances.push(instance);
      return { InstanceId: id };
    },
    DeleteInstance(params, ctx) {
      const instance = store.findInstance(params, ctx);
      // "删除前请先删除正在使用的主题、消费组和角色信息": topics, groups and roles first.
      const inUse = [
        [instance.topics.length, "topics"],
        [instance.groups.length, "consumer groups"],
        [instance.roles.length, "roles"],
      ].filter(([n]) => Number(n) > 0).map(([n, what]) => `${n} ${what}`);
      if (inUse.length > 0) {
        throw new ApiError(
          "ResourceInUse",
          `The instance ${instance.InstanceId} still has ${inUse.join(", ")}: delete them first.`,
        );
      }
      store.state.instances = store.state.instances.filter((i) => i !== instance);
      return {};
    },
    ModifyInstance(params, ctx) {
      const instance = store.findInstance(params, ctx);
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
      const i = store.findInstance(params, ctx);
      read(i);
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
      for (const i of store.state.instances) if (store.inRegion(i.Region, ctx)) read(i);
      const matches = store.state.instances.filter((i) =>
        store.inRegion(i.Region, ctx) &&
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
      const instance = store.findInstance(params, ctx);
      const name = stringParam(params, "Topic");
      checkName("Topic", name);
      const type = stringParam(params, "TopicType");
      checkTopicType(type);
      const queueNum = intParam(params, "QueueNum", 3);
      checkQueueNum(queueNum, "QueueNum", 3, 16); // CreateTopic: "取值范围3～16"
      store.addTopic(instance, {
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
      const instance = store.findInstance(params, ctx);
      const topic = store.findTopic(instance, stringParam(params, "Topic"));
      instance.topics = instance.topics.filter((t) => t !== topic);
      return {};
    },
    ModifyTopic(params, ctx) {
      const instance = store.findInstance(params, ctx);
      const topic = store.findTopic(instance, stringParam(params, "Topic"));
      const queueNum = intParam(params, "QueueNum", topic.QueueNum);
      checkQueueNum(queueNum);
      topic.QueueNum = queueNum;
      topic.Remark = str(params, "Remark", topic.Remark);
      topic.MsgTTL = intParam(params, "MsgTTL", topic.MsgTTL);
      return {};
    },
    DescribeTopic(params, ctx) {
      const instance = store.findInstance(params, ctx);
      const t = store.findTopic(instance, stringParam(params, "Topic"));
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
      const instance = store.findInstance(params, ctx);
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
      const instance = store.findInstance(params, ctx);
      const name = stringParam(params, "ConsumerGroup");
      checkName("ConsumerGroup", name);
      store.addGroup(instance, store.newGroup(name, params, ctx));
      return { InstanceId: instance.InstanceId, ConsumerGroup: name };
    },
    DeleteConsumerGroup(params, ctx) {
      const instance = store.findInstance(params, ctx);
      const group = store.findGroup(instance, stringParam(params, "ConsumerGroup"));
      instance.groups = instance.groups.filter((g) => g !== group);
      return {};
    },
    ModifyConsumerGroup(params, ctx) {
      const instance = store.findInstance(params, ctx);
      const group = store.findGroup(instance, stringParam(params, "ConsumerGroup"));
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
      const instance = store.findInstance(params, ctx);
      const g = store.findGroup(instance, stringParam(params, "ConsumerGroup"));
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
      const instance = store.findInstance(params, ctx);
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
      const instance = store.findInstance(params, ctx);
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
      const instance = store.findInstance(params, ctx);
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
      const instance = store.findInstance(params, ctx);
      const name = stringParam(params, "Role");
      if (!instance.roles.some((r) => r.RoleName === name)) {
        throw new ApiError("ResourceNotFound.Role", `The role \`${name}\` does not exist.`);
      }
      instance.roles = instance.roles.filter((r) => r.RoleName !== name);
      return {};
    },
    DescribeRoleList(params, ctx) {
      const instance = store.findInstance(params, ctx);
      const f = filters(params, ["RoleName"]);
      const matches = instance.roles.filter((r) => fuzzy(r.RoleName, f.get("RoleName")));
      const { TotalCount, page: items } = page(matches, params);
      return { TotalCount, Data: clone(items) };
    },

    ...migrationActions(store),
    ...mqttActions(store),
  };

  return {
    service: "trocket",
    version: "2023-03-08",
    actions,
    snapshot: () => clone(store.state),
    load(data) {
      store.state = data === undefined ? trocketSeedData() : normalizeTrocketData(data);
    },
  };
}
